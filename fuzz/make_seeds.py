#!/usr/bin/env python3
"""Regenerates the committed seed corpora `fuzz/seeds/<target>/` from the test data.

Run from anywhere: `python3 fuzz/make_seeds.py`. Seeds are small samples (the whole set
stays well under 2 MB); `scripts/fuzz.sh` copies them into `fuzz/corpus/<target>/`, where
libFuzzer adds what it finds (that directory is not committed).
"""

import hashlib
import json
import pathlib
import shutil

ROOT = pathlib.Path(__file__).resolve().parent.parent
SEEDS = ROOT / "fuzz" / "seeds"
TESTS = ROOT / "tests"
DIFFERENTIAL = TESTS / "data" / "oracle" / "differential"

# Hand-written variable files for the `values` target (see VALUES_MODULE in fuzz/src/lib.rs).
TFVARS = {
    "basic.tfvars": 'account = "444455556666"\nadmins = ["arn:aws:iam::444455556666:role/a", "444455556666"]\n'
    'services = ["s3.amazonaws.com", "logs.amazonaws.com"]\nenabled = true\n',
    "objects.tfvars": 'extra = { sid = "Use", effect = "Deny", actions = ["kms:Encrypt", "kms:Decrypt"], n = 1.5e3 }\n'
    'conditions = { StringEquals = { "kms:ViaService" = ["s3.us-east-1.amazonaws.com"] } }\n',
    "statements.tfvars": 'statements = [{ Sid = "S", Effect = "Allow", Principal = "*", Action = ["kms:*"],\n'
    '  Resource = "*", Condition = { Bool = { "aws:SecureTransport" = false } } }]\nuntyped = { Sid = "U" }\n',
    "heredoc.tfvars": 'policy_json = <<-EOT\n  {"Version": "2012-10-17", "Statement": [{"Effect": "Allow",\n'
    '   "Principal": {"AWS": "111122223333"}, "Action": "kms:*", "Resource": "*"}]}\n  EOT\n',
    "template.tfvars": 'account = "${"1111"}22223333"\nadmins = [for a in ["x"] : a]\nenabled = 1 == 1\n',
    "errors.tfvars": 'enabled = "maybe"\nextra = { effect = "Allow" }\nundeclared = 1\nresource "x" "y" {}\n',
    "numbers.tfvars": 'extra = { sid = "N", n = -0.000000000000000000001 }\nadmins = [1e400, -0, 0x10]\n',
    "all.tfvars.json": json.dumps(
        {
            "account": "777788889999",
            "enabled": True,
            "services": ["ec2.amazonaws.com"],
            "extra": {"sid": "J", "actions": ["kms:GenerateDataKey*"], "n": 12345678901234567890},
            "statements": [{"Sid": "J2", "Effect": "Deny", "NotPrincipal": {"AWS": ["1"]}, "NotAction": "kms:*"}],
            "policy_json": '{"Statement": {"Effect": "Allow", "Action": "kms:*", "Resource": "*"}}',
        },
        indent=1,
    ),
    "dup.tfvars.json": '{"account": "1", "account": "2", "untyped": [1, "a", null, {"k": 1.0}]}',
}


def put(target, name, data):
    if isinstance(data, str):
        data = data.encode()
    digest = hashlib.sha1(data).hexdigest()[:12]
    (SEEDS / target / f"{name}-{digest}").write_bytes(data)


def label(path):
    return str(path.relative_to(TESTS)).replace("/", "_")


def main():
    shutil.rmtree(SEEDS, ignore_errors=True)
    for t in ["hcl_text", "values", "canonical_roundtrip"]:
        (SEEDS / t).mkdir(parents=True)

    # hcl_text: every .tf file of the tests outside the differential oracle (the big
    # all-rules file excepted), and one oracle main.tf in ten.
    for p in sorted(TESTS.rglob("*.tf")):
        if DIFFERENTIAL in p.parents or p.stat().st_size > 16_000:
            continue
        put("hcl_text", label(p), p.read_bytes())
    for p in sorted(DIFFERENTIAL.glob("*/main.tf"))[::10]:
        put("hcl_text", label(p), p.read_bytes())

    # values: the variable files above, JSON documents from the jsonencode oracle and
    # the tests' JSON files.
    for name, text in TFVARS.items():
        put("values", name, text)
    tsv = (TESTS / "data" / "oracle" / "jsonencode.tsv").read_text().splitlines()
    for i, line in enumerate(tsv[1::4]):
        result = line.split("\t")[-1]
        if result != "-":
            put("values", f"jsonencode-{i}", json.loads(result))
    for p in sorted(TESTS.rglob("*.json")):
        put("values", label(p), p.read_bytes())

    # canonical_roundtrip: the policies Terraform produced for the oracle cases.
    for p in sorted(DIFFERENTIAL.glob("policy_*/expected.txt"))[::2]:
        put("canonical_roundtrip", label(p.parent), p.read_bytes())
    for p in sorted(DIFFERENTIAL.glob("random_*/expected.txt"))[::8]:
        put("canonical_roundtrip", label(p.parent), p.read_bytes())
    put("canonical_roundtrip", "forms_policy.json", (TESTS / "fixtures" / "forms" / "files" / "policy.json").read_bytes())


if __name__ == "__main__":
    main()
