package videoworkflow

// With returns the functions with the jobs table and the notification
// topic set, as the Lambdas read JOBS_TABLE and SNS_TOPIC_ARN from their
// environment at each invocation: a value left empty keeps the
// configured one (none: MediaMetadata and MediaQualityControl write no
// row, MediaPublish fails). The Table and Notifier backends are the
// configured ones.
func (f *Functions) With(jobsTable, topicArn string) *Functions {
	g := *f
	if jobsTable != "" {
		g.cfg.JobsTable = jobsTable
	}
	if topicArn != "" {
		g.cfg.TopicArn = topicArn
	}
	return &g
}

// JobsTable and TopicArn are the table and topic the functions write to.
func (f *Functions) JobsTable() string { return f.cfg.JobsTable }
func (f *Functions) TopicArn() string  { return f.cfg.TopicArn }
