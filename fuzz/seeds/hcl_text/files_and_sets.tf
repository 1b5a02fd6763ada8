locals {
  docs  = { for f in fileset(path.module, "tests/fixtures/forms/fileset/policies/{admin,open}.json") : basename(dirname(f)) => jsondecode(file("${path.module}/${f}")) }
  sum   = filemd5("${path.module}/Cargo.toml")
  there = fileexists("${path.module}/missing")
  abs   = abspath(path.module)
}
# kmsc:ignore KMS204
resource "aws_kms_key" "k" {
  for_each = local.docs
  policy   = jsonencode(each.value)
}
