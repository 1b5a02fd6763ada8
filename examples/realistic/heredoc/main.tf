# Policies as JSON: a heredoc, and a separate aws_kms_key_policy.
variable "account_id" {
  type    = string
  default = "111122223333"
}

resource "aws_kms_key" "legacy" {
  description = "Legacy backups"
  policy      = <<-EOT
    {
      "Version": "2012-10-17",
      "Statement": [
        {
          "Sid": "Enable IAM User Permissions",
          "Effect": "Allow",
          "Principal": {"AWS": "arn:aws:iam::${var.account_id}:root"},
          "Action": "kms:*",
          "Resource": "*"
        },
        {
          "Sid": "Backup operators",
          "Effect": "Allow",
          "Principal": {"AWS": "arn:aws:iam::${var.account_id}:role/backup-operator"},
          "Action": ["kms:Decrypt", "kms:GenerateDataKey"],
          "Resource": "*",
          "Condition": {"Bool": {"aws:SecureTransport": "true"}}
        }
      ]
    }
  EOT
}

resource "aws_kms_key" "reports" {
  description         = "Reports bucket"
  enable_key_rotation = true
}

resource "aws_kms_key_policy" "reports" {
  key_id = aws_kms_key.reports.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "Enable IAM User Permissions"
        Effect    = "Allow"
        Principal = { AWS = "arn:aws:iam::${var.account_id}:root" }
        Action    = "kms:*"
        Resource  = "*"
      },
      {
        Sid       = "Deny deletion outside the break-glass role"
        Effect    = "Deny"
        Principal = { AWS = "*" }
        Action    = ["kms:ScheduleKeyDeletion", "kms:DisableKey"]
        Resource  = "*"
        Condition = {
          ArnNotEquals = { "aws:PrincipalArn" = "arn:aws:iam::${var.account_id}:role/break-glass" }
        }
      },
    ]
  })
}
