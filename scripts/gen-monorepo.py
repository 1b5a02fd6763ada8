#!/usr/bin/env python3
"""Generates a synthetic Terraform monorepo for kmsc's benchmark.

    scripts/gen-monorepo.py OUT_DIR [--roots 400] [--files 5] [--keys 10]

Each root module directory gets a variables.tf and FILES files of KEYS keys, each key
with a ~60-line jsonencode policy using ${var.*} templates and an alias (defaults: 400
roots x 5 files x 10 keys = 20,000 keys, about 36 MB). With --single, all files go into
one module directory instead (e.g. --single --files 2000)."""
import argparse
import pathlib

KEY = '''resource "aws_kms_key" "k{n}" {{
  description             = "key {n} of ${{var.app}} in ${{var.env}}"
  enable_key_rotation     = true
  deletion_window_in_days = 30
  policy = jsonencode({{
    Version = "2012-10-17"
    Statement = [
      {{
        Sid       = "Enable IAM User Permissions"
        Effect    = "Allow"
        Principal = {{ AWS = "arn:aws:iam::${{var.account_id}}:root" }}
        Action    = "kms:*"
        Resource  = "*"
      }},
      {{
        Sid       = "Allow access for Key Administrators {n}"
        Effect    = "Allow"
        Principal = {{ AWS = ["arn:aws:iam::${{var.account_id}}:role/${{var.app}}-admin", "arn:aws:iam::${{var.account_id}}:role/security-audit"] }}
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
      }},
      {{
        Sid       = "Allow use of the key"
        Effect    = "Allow"
        Principal = {{ AWS = "arn:aws:iam::${{var.account_id}}:role/${{var.app}}-{n}" }}
        Action = [
          "kms:Encrypt",
          "kms:Decrypt",
          "kms:ReEncrypt*",
          "kms:GenerateDataKey*",
          "kms:DescribeKey",
        ]
        Resource = "*"
        Condition = {{
          StringEquals = {{
            "kms:ViaService"    = "s3.${{var.region}}.amazonaws.com"
            "kms:CallerAccount" = var.account_id
          }}
        }}
      }},
      {{
        Sid       = "Allow attachment of persistent resources"
        Effect    = "Allow"
        Principal = {{ AWS = "arn:aws:iam::${{var.account_id}}:role/${{var.app}}-{n}" }}
        Action    = ["kms:CreateGrant", "kms:ListGrants", "kms:RevokeGrant"]
        Resource  = "*"
        Condition = {{
          Bool = {{ "kms:GrantIsForAWSResource" = true }}
        }}
      }},
    ]
  }})
}}

resource "aws_kms_alias" "k{n}" {{
  name          = "alias/${{var.app}}/{n}"
  target_key_id = aws_kms_key.k{n}.key_id
}}

'''

VARIABLES = '''variable "account_id" {
  type    = string
  default = "111122223333"
}

variable "app" {
  type    = string
  default = "app"
}

variable "env" {
  type    = string
  default = "prod"
}

variable "region" {
  type    = string
  default = "eu-west-1"
}
'''


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--roots", type=int, default=400)
    ap.add_argument("--files", type=int, default=5)
    ap.add_argument("--keys", type=int, default=10)
    ap.add_argument("--single", action="store_true")
    a = ap.parse_args()
    out = pathlib.Path(a.out)
    roots = 1 if a.single else a.roots
    for r in range(roots):
        d = out if a.single else out / f"team{r // 20:02d}" / f"svc{r:03d}"
        d.mkdir(parents=True, exist_ok=True)
        (d / "variables.tf").write_text(VARIABLES)
        for f in range(a.files):
            text = "".join(KEY.format(n=f * a.keys + k) for k in range(a.keys))
            (d / f"keys{f:04d}.tf").write_text(text)


main()
