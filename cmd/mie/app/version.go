package app

// Version of the binary.
func Version() string { return "mie 3.0.0-kafka (workflow API 3.0.0)" }
