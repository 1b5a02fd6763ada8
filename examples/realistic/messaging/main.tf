# SNS and SQS keys for an event bus.
data "aws_caller_identity" "current" {}

locals {
  account = data.aws_caller_identity.current.account_id
}

resource "aws_kms_key" "bus" {
  for_each            = toset(["sns", "sqs"])
  description         = "Event bus key for ${upper(each.key)}"
  enable_key_rotation = true

  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "Enable IAM User Permissions"
        Effect    = "Allow"
        Principal = { AWS = "arn:aws:iam::${local.account}:root" }
        Action    = "kms:*"
        Resource  = "*"
      },
      {
        Sid       = "Allow ${each.key} to use the key"
        Effect    = "Allow"
        Principal = { Service = "${each.key}.amazonaws.com" }
        Action    = ["kms:GenerateDataKey*", "kms:Decrypt"]
        Resource  = "*"
        Condition = {
          StringEquals = { "aws:SourceAccount" = local.account }
        }
      },
    ]
  })
}

resource "aws_sns_topic" "events" {
  name              = "events"
  kms_master_key_id = aws_kms_key.bus["sns"].id
}

resource "aws_sqs_queue" "events" {
  name              = "events"
  kms_master_key_id = aws_kms_key.bus["sqs"].arn
}
