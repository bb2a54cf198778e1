# The boto3 example of docs/s3.md, run by api/s3's TestBoto3Example
# against the endpoint: ENDPOINT is its URL (http://127.0.0.1:8081 under
# `mie serve`).
import os

import boto3
from boto3.s3.transfer import TransferConfig

s3 = boto3.client(
    "s3",
    endpoint_url=os.environ.get("ENDPOINT", "http://127.0.0.1:8081"),
    region_name="us-east-1",
    aws_access_key_id="mie",  # any: signatures are not checked
    aws_secret_access_key="mie",
)

s3.create_bucket(Bucket="boto-videos")
s3.put_object(Bucket="boto-videos", Key="in/talk.mp4", Body=b"not really a video", ContentType="video/mp4")

# A multipart upload: boto3 splits files over its threshold into parts.
with open(os.environ["BIG_FILE"], "rb") as f:
    s3.upload_fileobj(f, "boto-videos", "in/big.mov",
                      Config=TransferConfig(multipart_threshold=5 * 2**20, multipart_chunksize=5 * 2**20))

head = s3.head_object(Bucket="boto-videos", Key="in/big.mov")
assert head["ContentLength"] == os.path.getsize(os.environ["BIG_FILE"]), head
assert head["ETag"].endswith('-2"'), head["ETag"]

part = s3.get_object(Bucket="boto-videos", Key="in/talk.mp4", Range="bytes=4-9")
assert part["Body"].read() == b"really", part

s3.copy_object(Bucket="boto-videos", Key="archive/talk.mp4", CopySource={"Bucket": "boto-videos", "Key": "in/talk.mp4"})

keys = []
for page in s3.get_paginator("list_objects_v2").paginate(Bucket="boto-videos", PaginationConfig={"PageSize": 1}):
    keys += [o["Key"] for o in page.get("Contents", [])]
assert keys == ["archive/talk.mp4", "in/big.mov", "in/talk.mp4"], keys

try:
    s3.get_object(Bucket="boto-videos", Key="in/missing.mp4")
    raise AssertionError("no error for a missing key")
except s3.exceptions.NoSuchKey:
    pass

s3.delete_objects(Bucket="boto-videos", Delete={"Objects": [{"Key": k} for k in keys]})
s3.delete_bucket(Bucket="boto-videos")
print("boto3 example ok")
