locals {
  doc = yamldecode(<<-YAML
    Version: "2012-10-17"
    Statement:
      - &root
        Sid: Root
        Effect: Allow
        Principal: {AWS: "arn:aws:iam::111122223333:root"}
        Action: [kms:*]
        Resource: "*"
      - <<: *root
        Sid: Use
        Condition: {Bool: {"kms:GrantIsForAWSResource": yes}, NumericLessThan: {"x": !!int 0x10}}
    YAML
  )
  back = yamldecode(yamlencode(local.doc))
}

resource "aws_kms_key" "k" {
  policy = jsonencode(local.back)
}
