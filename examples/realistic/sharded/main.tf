# Three shard keys from one definition.
variable "shards" {
  type    = number
  default = 3
}

resource "aws_kms_key" "shard" {
  count               = var.shards
  description         = "Shard ${count.index} of the event store"
  enable_key_rotation = true

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
        Sid       = "Shard writer ${count.index}"
        Effect    = "Allow"
        Principal = { AWS = "arn:aws:iam::111122223333:role/shard-${count.index}-writer" }
        Action    = ["kms:Encrypt", "kms:GenerateDataKey"]
        Resource  = "*"
      },
    ]
  })
}

resource "aws_ebs_volume" "shard" {
  count             = var.shards
  availability_zone = "eu-west-1a"
  size              = 100
  encrypted         = true
  kms_key_id        = aws_kms_key.shard[count.index].arn
}
