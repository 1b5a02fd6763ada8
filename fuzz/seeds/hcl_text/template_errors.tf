# Every way Terraform refuses a `templatestring` or `templatefile` call, one per local:
# Terraform evaluates every local, so each is reported.

variable "account_id" {
  type    = string
  default = "111122223333"
}

locals {
  role_arn = "arn:aws:iam::$${account}:role/$${role}"

  literal    = templatestring("arn:aws:iam::111122223333:root", {})
  wrapped    = templatestring("${local.role_arn}", { account = var.account_id, role = "app" })
  inline     = templatestring("arn:aws:iam::${var.account_id}:root", {})
  computed   = templatestring(lower(local.role_arn), { account = var.account_id, role = "app" })
  not_string = templatestring(local.numbers, {})
  numbers    = [1, 2]

  # Every reference is checked, even in a branch not taken.
  missing   = templatestring(local.branches, { account = var.account_id })
  branches  = "%%{ if false }$${role}%%{ endif }arn:aws:iam::$${account}:root"
  bad_name  = templatestring(local.role_arn, { account = var.account_id, role = "app", "2fa" = true })
  not_map   = templatestring(local.role_arn, "account")
  recursive = templatestring(local.nested, { inner = local.role_arn })
  nested    = "$${templatestring(inner, {})}"
  reads     = templatestring(local.reading, {})
  reading   = "$${filemd5(\"main.tf\")}"
  syntax    = templatestring(local.broken, { account = var.account_id })
  broken    = "arn:aws:iam::$${account:root"

  # A template file sees only the variables it is given, not `var.` or `local.`.
  from_file = templatefile("${path.module}/principal.tftpl", { role = "app" })
}
