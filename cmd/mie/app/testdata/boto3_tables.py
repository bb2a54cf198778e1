# The boto3 example of docs/tables.md and docs/notifications.md, run by
# cmd/mie/app's TestBoto3Example against a running engine: ENDPOINT is its
# API (http://127.0.0.1:8080 under `mie serve`), HOOK a webhook that the
# test serves and that receives the notification.
import os
from datetime import datetime, timezone
from decimal import Decimal

import boto3
from boto3.dynamodb.conditions import Attr, Key
from botocore.exceptions import ClientError

endpoint = os.environ.get("ENDPOINT", "http://127.0.0.1:8080")
session = boto3.session.Session(
    region_name="us-east-1",
    aws_access_key_id="mie",  # any: signatures are not checked
    aws_secret_access_key="mie",
)
dynamodb = session.resource("dynamodb", endpoint_url=endpoint)
sns = session.client("sns", endpoint_url=endpoint)
events = session.client("events", endpoint_url=endpoint)

# The reference pipeline's job table.
table = dynamodb.create_table(
    TableName="video-workflow-jobs",
    AttributeDefinitions=[{"AttributeName": "JobId", "AttributeType": "S"}],
    KeySchema=[{"AttributeName": "JobId", "KeyType": "HASH"}],
    BillingMode="PAY_PER_REQUEST",
)
table.wait_until_exists()

table.put_item(Item={"JobId": "job-42", "JobStatus": "STARTED", "SourceKey": "talk.mp4"},
               ConditionExpression=Attr("JobId").not_exists())

# What the reference's metadata Lambda does: plain Python values become
# AttributeValues (a dict is an M, a float must be a Decimal).
table.update_item(
    Key={"JobId": "job-42"},
    UpdateExpression="SET VideoMetadata = :metadata, MetadataExtractedAt = :timestamp",
    ExpressionAttributeValues={
        ":metadata": {"duration": Decimal("120.5"), "width": 1920, "codec": "h264"},
        ":timestamp": datetime.now(timezone.utc).isoformat(),
    },
)
job = table.get_item(Key={"JobId": "job-42"})["Item"]
assert job["VideoMetadata"]["width"] == 1920 and job["VideoMetadata"]["codec"] == "h264", job

# A conditional write that fails, and its error.
try:
    table.put_item(Item={"JobId": "job-42"}, ConditionExpression="attribute_not_exists(JobId)")
    raise AssertionError("the second create succeeded")
except ClientError as e:
    assert e.response["Error"]["Code"] == "ConditionalCheckFailedException", e.response

# An atomic counter, and UPDATED_NEW.
out = table.update_item(Key={"JobId": "job-42"}, UpdateExpression="ADD Attempts :one",
                        ExpressionAttributeValues={":one": 1}, ReturnValues="UPDATED_NEW")
assert out["Attributes"] == {"Attempts": 1}, out

# A table with a sort key, written in a batch and read back in pages.
renditions = dynamodb.create_table(
    TableName="renditions",
    AttributeDefinitions=[{"AttributeName": "JobId", "AttributeType": "S"},
                          {"AttributeName": "Height", "AttributeType": "N"}],
    KeySchema=[{"AttributeName": "JobId", "KeyType": "HASH"}, {"AttributeName": "Height", "KeyType": "RANGE"}],
    BillingMode="PAY_PER_REQUEST",
)
with renditions.batch_writer() as batch:
    for height in (144, 240, 360, 480, 720, 1080):
        batch.put_item(Item={"JobId": "job-42", "Height": height, "Format": "mp4"})
page = renditions.query(KeyConditionExpression=Key("JobId").eq("job-42") & Key("Height").gte(480),
                        ScanIndexForward=False)
assert [int(i["Height"]) for i in page["Items"]] == [1080, 720, 480], page
paginator = session.client("dynamodb", endpoint_url=endpoint).get_paginator("scan")
heights = [int(i["Height"]["N"]) for p in paginator.paginate(TableName="renditions", PaginationConfig={"PageSize": 4})
           for i in p["Items"]]
assert sorted(heights) == [144, 240, 360, 480, 720, 1080], heights

# Notifications: a topic, a webhook subscription, a message.
topic = sns.create_topic(Name="video-workflow-notifications")["TopicArn"]
sns.subscribe(TopicArn=topic, Protocol="http", Endpoint=os.environ["HOOK"])
sns.publish(TopicArn=topic, Subject="Video Processing Success",
            Message="Video processing completed successfully for job job-42")

# An event on the default bus.
put = events.put_events(Entries=[{"Source": "mie.video", "DetailType": "Job Published",
                                  "Detail": '{"jobId": "job-42"}'}])
assert put["FailedEntryCount"] == 0, put

print("boto3 example ok")
