#!/bin/sh
# render.sh: fills in the reference definition's ${...} variables, and
# nothing else, writing video-workflow-definition.json.
#
# The reference writes its definition with an unquoted shell heredoc,
# which would also turn "$$.State.EnteredTime" into the shell's process
# id; envsubst with an explicit list substitutes only the ${...} names.
set -eu
here=$(dirname "$0")
vars='${OUTPUT_BUCKET} ${ARCHIVE_BUCKET} ${JOBS_TABLE} ${METADATA_LAMBDA_ARN} ${QC_LAMBDA_ARN} ${PUBLISHER_LAMBDA_ARN} ${MEDIACONVERT_ROLE_ARN}'
for v in OUTPUT_BUCKET ARCHIVE_BUCKET JOBS_TABLE METADATA_LAMBDA_ARN QC_LAMBDA_ARN PUBLISHER_LAMBDA_ARN MEDIACONVERT_ROLE_ARN; do
	eval "test -n \"\${$v:-}\"" || { echo "render.sh: $v is not set" >&2; exit 2; }
done
envsubst "$vars" < "$here/video-workflow-definition.json.tmpl" > "${1:-video-workflow-definition.json}"
