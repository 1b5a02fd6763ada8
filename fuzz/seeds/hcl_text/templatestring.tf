# Templates kept as strings and rendered with `templatestring`, as Terraform v1.9+ does.

variable "account_id" {
  type    = string
  default = "111122223333"
}

variable "break_glass_role" {
  type      = string
  default   = "break-glass"
  sensitive = true
}

locals {
  # A template written in a heredoc: `$${...}` keeps the sequence for templatestring.
  role_arn = <<-EOT
    arn:aws:iam::$${account}:role/$${role}
  EOT

  # The admins' template still has the article's placeholder: kmsc shows it on this line.
  admin_arn = "arn:aws:iam::[ACCOUNT_ID]:role/$${role}"

  readers = "%%{ for r in roles }arn:aws:iam::$${account}:role/$${r}%%{ if r != roles[length(roles) - 1] },%%{ endif }%%{ endfor }"

  templates = {
    user = "arn:aws:iam::$${account}:user/$${name}"
  }
}

data "aws_s3_object" "remote" {
  bucket = "templates"
  key    = "principal.tmpl"
}

resource "aws_kms_key" "app" {
  description = "Key whose principals are rendered from templates"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "Root"
        Effect    = "Allow"
        Principal = { AWS = "arn:aws:iam::${var.account_id}:root" }
        Action    = "kms:*"
        Resource  = "*"
      },
      {
        Sid    = "Use"
        Effect = "Allow"
        Principal = {
          AWS = concat(
            [trimspace(templatestring(local.role_arn, { account = var.account_id, role = "app" }))],
            split(",", templatestring(local.readers, { account = var.account_id, roles = ["reader", "auditor"] })),
            [templatestring(local.templates["user"], { account = var.account_id, name = "deploy" })],
          )
        }
        Action   = ["kms:Decrypt", "kms:GenerateDataKey"]
        Resource = "*"
      },
    ]
  })
}

# The admins' key: its template still holds a placeholder, and the break-glass account
# is written with dashes (the role is sensitive: kmsc never shows it).
resource "aws_kms_key" "admins" {
  description = "Key whose administrators are rendered from templates"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "Admins"
        Effect    = "Allow"
        Principal = { AWS = templatestring(local.admin_arn, { role = "admin" }) }
        Action    = ["kms:Describe*", "kms:Put*"]
        Resource  = "*"
      },
      {
        Sid       = "BreakGlass"
        Effect    = "Allow"
        Principal = { AWS = trimspace(templatestring(local.role_arn, { account = "1111-2222-3333", role = var.break_glass_role })) }
        Action    = "kms:*"
        Resource  = "*"
      },
      {
        Sid       = "Remote"
        Effect    = "Allow"
        Principal = { AWS = templatestring(data.aws_s3_object.remote.body, { account = var.account_id }) }
        Action    = "kms:Decrypt"
        Resource  = "*"
      },
    ]
  })
}
