# Team keys from a local module.
module "team_key" {
  source   = "./modules/cmk"
  for_each = toset(["analytics", "billing", "identity", "web"])

  name       = each.key
  account_id = "111122223333"
  users      = ["arn:aws:iam::111122223333:role/${each.key}-app"]
}
