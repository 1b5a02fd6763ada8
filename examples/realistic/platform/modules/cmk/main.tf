variable "name" {
  type = string
}

variable "account_id" {
  type = string
}

variable "users" {
  type    = list(string)
  default = []
}

variable "admins" {
  type    = list(string)
  default = []
}

locals {
  admins = length(var.admins) > 0 ? var.admins : ["arn:aws:iam::${var.account_id}:role/kms-admin"]
}

resource "aws_kms_key" "this" {
  description         = "Customer managed key of team ${var.name}"
  enable_key_rotation = true

  policy = jsonencode({
    Version = "2012-10-17"
    Statement = concat(
      [
        {
          Sid       = "Enable IAM User Permissions"
          Effect    = "Allow"
          Principal = { AWS = "arn:aws:iam::${var.account_id}:root" }
          Action    = "kms:*"
          Resource  = "*"
        },
        {
          Sid       = "Key administrators"
          Effect    = "Allow"
          Principal = { AWS = local.admins }
          Action    = ["kms:Create*", "kms:Describe*", "kms:Enable*", "kms:List*", "kms:Put*", "kms:Update*", "kms:Revoke*", "kms:Disable*", "kms:Get*", "kms:Delete*", "kms:TagResource", "kms:UntagResource", "kms:ScheduleKeyDeletion", "kms:CancelKeyDeletion"]
          Resource  = "*"
        },
      ],
      length(var.users) == 0 ? [] : [
        {
          Sid       = "Key users"
          Effect    = "Allow"
          Principal = { AWS = var.users }
          Action    = ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"]
          Resource  = "*"
        },
      ],
    )
  })
}

resource "aws_kms_alias" "this" {
  name          = "alias/team/${var.name}"
  target_key_id = aws_kms_key.this.key_id
}

output "key_arn" {
  value = aws_kms_key.this.arn
}
