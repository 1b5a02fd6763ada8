variable "account" {
  default = "111122223333"
}
locals {
  use = jsondecode("{\"Sid\": \"Use\", \"Effect\": \"Allow\", \"Principal\": {\"AWS\": \"arn:aws:iam::${var.account}:role/app\"}, \"Action\": [\"kms:Decrpyt\"], \"Resource\": \"*\"}")
}
resource "aws_kms_key" "json" {
  policy = jsonencode(jsondecode(<<-EOT
    {"Version": "2012-10-17", "Statement": [${jsonencode(local.use)},
      {"Effect": "Allow", "Action": "kms:*", "Resource": "*", "Principal": {"AWS": "arn:aws:iam::${var.account}:root"}}]}
  EOT
  ))
}
resource "aws_kms_key" "yaml" {
  # kmsc:ignore KMS301
  policy = jsonencode(yamldecode(<<-EOT
    Version: "2012-10-17"
    Statement:
      - {Effect: Allow, Action: ["kms:Encrpyt"], Resource: "*", Principal: {AWS: "arn:aws:iam::${var.account}:root"}}
      - Sid: « é »
        Effect: Allow
  EOT
  ))
}
