# A WordPress stack's customer managed key, modelled on the user's tutorial but correct:
# the account comes from the caller identity, the administrators and the web role are
# variables, and the key stays symmetric so that EBS, RDS and EFS can use it.

data "aws_caller_identity" "current" {}

locals {
  account_root = "arn:aws:iam::${data.aws_caller_identity.current.account_id}:root"
  key_users    = concat([var.web_role_arn], var.extra_key_users)
}

resource "aws_kms_key" "wordpress" {
  description             = "Envelope encryption for the ${var.name} stack (EBS, RDS, EFS)"
  key_usage               = "ENCRYPT_DECRYPT"
  key_spec                = "SYMMETRIC_DEFAULT"
  enable_key_rotation     = true
  deletion_window_in_days = 30

  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "Enable IAM User Permissions"
        Effect    = "Allow"
        Principal = { AWS = local.account_root }
        Action    = "kms:*"
        Resource  = "*"
      },
      {
        Sid       = "Allow access for Key Administrators"
        Effect    = "Allow"
        Principal = { AWS = var.key_admin_arns }
        Action = [
          "kms:Create*",
          "kms:Describe*",
          "kms:Enable*",
          "kms:List*",
          "kms:Put*",
          "kms:Update*",
          "kms:Revoke*",
          "kms:Disable*",
          "kms:Get*",
          "kms:Delete*",
          "kms:TagResource",
          "kms:UntagResource",
          "kms:ScheduleKeyDeletion",
          "kms:CancelKeyDeletion",
        ]
        Resource = "*"
      },
      {
        Sid       = "Allow use of the key"
        Effect    = "Allow"
        Principal = { AWS = local.key_users }
        Action = [
          "kms:Encrypt",
          "kms:Decrypt",
          "kms:ReEncrypt*",
          "kms:GenerateDataKey*",
          "kms:DescribeKey",
        ]
        Resource = "*"
      },
      {
        Sid       = "Allow attachment of persistent resources"
        Effect    = "Allow"
        Principal = { AWS = local.key_users }
        Action    = ["kms:CreateGrant", "kms:ListGrants", "kms:RevokeGrant"]
        Resource  = "*"
        Condition = {
          Bool = { "kms:GrantIsForAWSResource" = true }
        }
      },
    ]
  })

  tags = {
    Name = "${var.name}-kms"
  }
}

resource "aws_kms_alias" "wordpress" {
  name          = "alias/${var.name}"
  target_key_id = aws_kms_key.wordpress.key_id
}

resource "aws_ebs_volume" "uploads" {
  availability_zone = "ap-northeast-1a"
  size              = 20
  encrypted         = true
  kms_key_id        = aws_kms_key.wordpress.arn
}

resource "aws_db_instance" "wordpress" {
  identifier          = "${var.name}-db"
  engine              = "mysql"
  instance_class      = "db.t3.micro"
  allocated_storage   = 20
  username            = "wordpress"
  manage_master_user_password = true
  storage_encrypted   = true
  kms_key_id          = aws_kms_key.wordpress.arn
  skip_final_snapshot = true
}

resource "aws_efs_file_system" "wp_content" {
  encrypted  = true
  kms_key_id = aws_kms_key.wordpress.arn
}
