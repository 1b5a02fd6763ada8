# One key per application service, each usable only through its AWS service.
data "aws_caller_identity" "current" {}
data "aws_region" "current" {}

variable "services" {
  type = map(object({
    via_service = string
    role        = string
  }))
  default = {
    orders   = { via_service = "dynamodb", role = "orders-api" }
    payments = { via_service = "rds", role = "payments-api" }
    reports  = { via_service = "s3", role = "reports-worker" }
    search   = { via_service = "es", role = "search-indexer" }
    mail     = { via_service = "ses", role = "mail-sender" }
  }
}

locals {
  account_id = data.aws_caller_identity.current.account_id
  region     = data.aws_region.current.name
}

resource "aws_kms_key" "service" {
  for_each                = var.services
  description             = "Data key of the ${each.key} service"
  enable_key_rotation     = true
  deletion_window_in_days = 14

  policy = jsonencode({
    Version = "2012-10-17"
    Id      = "${each.key}-key-policy"
    Statement = [
      {
        Sid       = "Enable IAM User Permissions"
        Effect    = "Allow"
        Principal = { AWS = "arn:aws:iam::${local.account_id}:root" }
        Action    = "kms:*"
        Resource  = "*"
      },
      {
        Sid       = "Use through ${each.value.via_service} only"
        Effect    = "Allow"
        Principal = { AWS = "arn:aws:iam::${local.account_id}:role/${each.value.role}" }
        Action    = ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"]
        Resource  = "*"
        Condition = {
          StringEquals = {
            "kms:ViaService"    = "${each.value.via_service}.${local.region}.amazonaws.com"
            "kms:CallerAccount" = local.account_id
          }
        }
      },
    ]
  })
}

resource "aws_kms_alias" "service" {
  for_each      = var.services
  name          = "alias/app/${each.key}"
  target_key_id = aws_kms_key.service[each.key].key_id
}
