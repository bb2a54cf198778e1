// Package transcode runs AWS Elemental MediaConvert jobs on ffmpeg.
//
// It takes a CreateJob request exactly as MediaConvert (and Step
// Functions' arn:aws:states:::mediaconvert:createJob integration, in
// PascalCase) receives it, and returns MediaConvert's Job:
//
//	req, err := transcode.Decode(body)                // *ValidationError naming each bad setting's path
//	tc, err := transcode.New(transcode.Config{Store: store})
//	job, err := tc.Run(ctx, req, func(j transcode.Job) { ... }) // progress
//
// Decode refuses, with its JSON path, every field MediaConvert does not
// have (as MediaConvert does) and every setting this transcoder cannot
// honour ("Settings.OutputGroups[0].Outputs[1].VideoDescription.
// CodecSettings.Codec: AV1 is not supported"); settings that only matter
// on AWS (Role, Queue, Priority, StatusUpdateInterval,
// AccelerationSettings, BillingTagsSource, HopDestinations, Tags, S3
// destination settings) are accepted and kept on the Job.
//
// Inputs are s3://bucket/key objects of the configured object store;
// destinations are s3://bucket/prefix/ (or .../basename). Run stages the
// input in a work directory, probes it, runs ffmpeg (by default one
// process: the input decoded once, a filter graph splitting it to every
// output, and outputs that encode identically sharing one encode through
// ffmpeg's tee muxer), checks and describes every output, and only then
// uploads them, deleting what it uploaded if the upload fails or the job
// is cancelled. Outputs are named as MediaConvert names them (see
// naming.go and docs/media.md).
//
// The file docs/media.md lists every supported setting, the naming
// rules and what differs from MediaConvert.
package transcode
