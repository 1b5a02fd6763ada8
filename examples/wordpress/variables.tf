variable "name" {
  type        = string
  description = "Name of the WordPress stack, used in resource names and the key alias."
  default     = "wordpress"
}

variable "key_admin_arns" {
  type        = list(string)
  description = "IAM principals that administer the key (never use it)."
  default     = ["arn:aws:iam::111122223333:role/KeyAdministrator"]
}

variable "web_role_arn" {
  type        = string
  description = "The role of the WordPress EC2 instances."
  default     = "arn:aws:iam::111122223333:role/wordpress-web"
}

variable "extra_key_users" {
  type        = list(string)
  description = "Further principals that may use the key."
  default     = []
}
