# Asymmetric keys: signing and HMAC. Neither rotates; neither is used for storage.
resource "aws_kms_key" "release_signing" {
  description              = "Signs release artifacts"
  key_usage                = "SIGN_VERIFY"
  key_spec                 = "RSA_4096"
  deletion_window_in_days  = 30

  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "Enable IAM User Permissions"
        Effect    = "Allow"
        Principal = { AWS = "arn:aws:iam::111122223333:root" }
        Action    = "kms:*"
        Resource  = "*"
      },
      {
        Sid       = "Release pipeline signs"
        Effect    = "Allow"
        Principal = { AWS = "arn:aws:iam::111122223333:role/release-pipeline" }
        Action    = ["kms:Sign", "kms:GetPublicKey", "kms:DescribeKey"]
        Resource  = "*"
        Condition = { StringEquals = { "kms:SigningAlgorithm" = "RSASSA_PSS_SHA_512" } }
      },
      {
        Sid       = "Anyone in the organization verifies"
        Effect    = "Allow"
        Principal = { AWS = "*" }
        Action    = ["kms:Verify", "kms:GetPublicKey"]
        Resource  = "*"
        Condition = { StringEquals = { "aws:PrincipalOrgID" = "o-a1b2c3d4e5" } }
      },
    ]
  })
}

resource "aws_kms_key" "webhook_hmac" {
  description = "Webhook signatures"
  key_usage   = "GENERATE_VERIFY_MAC"
  key_spec    = "HMAC_256"

  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "Enable IAM User Permissions"
        Effect    = "Allow"
        Principal = { AWS = "arn:aws:iam::111122223333:root" }
        Action    = "kms:*"
        Resource  = "*"
      },
      {
        Sid       = "Webhook service"
        Effect    = "Allow"
        Principal = { AWS = "arn:aws:iam::111122223333:role/webhooks" }
        Action    = ["kms:GenerateMac", "kms:VerifyMac"]
        Resource  = "*"
      },
    ]
  })
}
