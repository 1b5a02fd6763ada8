# A multi-Region primary key and its replica.
locals {
  root_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "Enable IAM User Permissions"
      Effect    = "Allow"
      Principal = { AWS = "arn:aws:iam::111122223333:root" }
      Action    = "kms:*"
      Resource  = "*"
    }]
  })
}

resource "aws_kms_key" "primary" {
  description         = "Global tables key"
  multi_region        = true
  enable_key_rotation = true
  policy              = local.root_policy
}

resource "aws_kms_replica_key" "replica" {
  description     = "Global tables key (replica)"
  primary_key_arn = aws_kms_key.primary.arn
  policy          = local.root_policy
}
