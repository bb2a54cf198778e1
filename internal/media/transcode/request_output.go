package transcode

// OutputGroup is a set of outputs sharing a destination and packaging.
type OutputGroup struct {
	Name                string              `json:"Name,omitempty"`
	CustomName          string              `json:"CustomName,omitempty"`
	OutputGroupSettings OutputGroupSettings `json:"OutputGroupSettings"`
	Outputs             []Output            `json:"Outputs"`
}

// OutputGroupSettings says how the group is packaged: Type names which of
// the settings objects applies.
type OutputGroupSettings struct {
	Type              string             `json:"Type"`
	FileGroupSettings *FileGroupSettings `json:"FileGroupSettings,omitempty"`
	HlsGroupSettings  *HlsGroupSettings  `json:"HlsGroupSettings,omitempty"`
}

// FileGroupSettings: standalone files (and frame captures).
type FileGroupSettings struct {
	Destination         string               `json:"Destination,omitempty"`
	DestinationSettings *DestinationSettings `json:"DestinationSettings,omitempty"`
}

// DestinationSettings are S3 options (ACL, encryption, storage class). The
// object store decides these here; they are accepted and kept.
type DestinationSettings struct {
	S3Settings *S3DestinationSettings `json:"S3Settings,omitempty"`
}

// S3DestinationSettings is kept as given (AWS-only).
type S3DestinationSettings struct {
	AccessControl *struct {
		CannedAcl string `json:"CannedAcl,omitempty"`
	} `json:"AccessControl,omitempty"`
	Encryption *struct {
		EncryptionType       string `json:"EncryptionType,omitempty"`
		KmsKeyArn            string `json:"KmsKeyArn,omitempty"`
		KmsEncryptionContext string `json:"KmsEncryptionContext,omitempty"`
	} `json:"Encryption,omitempty"`
	StorageClass string `json:"StorageClass,omitempty"`
}

// HlsGroupSettings: an Apple HLS package (a master playlist, a variant
// playlist per output, MPEG-TS segments).
type HlsGroupSettings struct {
	Destination                     string               `json:"Destination,omitempty"`
	DestinationSettings             *DestinationSettings `json:"DestinationSettings,omitempty"`
	SegmentLength                   int                  `json:"SegmentLength,omitempty"`
	SegmentLengthControl            string               `json:"SegmentLengthControl,omitempty"`
	MinSegmentLength                *int                 `json:"MinSegmentLength,omitempty"`
	MinFinalSegmentLength           *float64             `json:"MinFinalSegmentLength,omitempty"`
	ManifestDurationFormat          string               `json:"ManifestDurationFormat,omitempty"`
	OutputSelection                 string               `json:"OutputSelection,omitempty"`
	SegmentControl                  string               `json:"SegmentControl,omitempty"`
	DirectoryStructure              string               `json:"DirectoryStructure,omitempty"`
	SegmentsPerSubdirectory         *int                 `json:"SegmentsPerSubdirectory,omitempty"`
	StreamInfResolution             string               `json:"StreamInfResolution,omitempty"`
	CodecSpecification              string               `json:"CodecSpecification,omitempty"`
	ClientCache                     string               `json:"ClientCache,omitempty"`
	ManifestCompression             string               `json:"ManifestCompression,omitempty"`
	ProgramDateTime                 string               `json:"ProgramDateTime,omitempty"`
	ProgramDateTimePeriod           *int                 `json:"ProgramDateTimePeriod,omitempty"`
	CaptionLanguageSetting          string               `json:"CaptionLanguageSetting,omitempty"`
	CaptionSegmentLengthControl     string               `json:"CaptionSegmentLengthControl,omitempty"`
	TimedMetadataId3Frame           string               `json:"TimedMetadataId3Frame,omitempty"`
	TimedMetadataId3Period          *int                 `json:"TimedMetadataId3Period,omitempty"`
	TimestampDeltaMilliseconds      *int                 `json:"TimestampDeltaMilliseconds,omitempty"`
	TargetDurationCompatibilityMode string               `json:"TargetDurationCompatibilityMode,omitempty"`
	ProgressiveWriteHlsManifest     string               `json:"ProgressiveWriteHlsManifest,omitempty"`
	AudioOnlyHeader                 string               `json:"AudioOnlyHeader,omitempty"`
	ImageBasedTrickPlay             string               `json:"ImageBasedTrickPlay,omitempty"`
	BaseUrl                         string               `json:"BaseUrl,omitempty"`
	AdMarkers                       []string             `json:"AdMarkers,omitempty"`
}

// Output is one output of a group.
type Output struct {
	NameModifier      string             `json:"NameModifier,omitempty"`
	Extension         string             `json:"Extension,omitempty"`
	ContainerSettings *ContainerSettings `json:"ContainerSettings,omitempty"`
	VideoDescription  *VideoDescription  `json:"VideoDescription,omitempty"`
	AudioDescriptions []AudioDescription `json:"AudioDescriptions,omitempty"`
	OutputSettings    *OutputSettings    `json:"OutputSettings,omitempty"`
}

// OutputSettings are the per-output settings of a streaming group.
type OutputSettings struct {
	HlsSettings *HlsSettings `json:"HlsSettings,omitempty"`
}

// HlsSettings are an HLS output's settings.
type HlsSettings struct {
	SegmentModifier             string `json:"SegmentModifier,omitempty"`
	AudioGroupId                string `json:"AudioGroupId,omitempty"`
	AudioOnlyContainer          string `json:"AudioOnlyContainer,omitempty"`
	AudioRenditionSets          string `json:"AudioRenditionSets,omitempty"`
	AudioTrackType              string `json:"AudioTrackType,omitempty"`
	IFrameOnlyManifest          string `json:"IFrameOnlyManifest,omitempty"`
	DescriptiveVideoServiceFlag string `json:"DescriptiveVideoServiceFlag,omitempty"`
}

// ContainerSettings picks the container and its options.
type ContainerSettings struct {
	Container    string        `json:"Container"`
	Mp4Settings  *Mp4Settings  `json:"Mp4Settings,omitempty"`
	MovSettings  *MovSettings  `json:"MovSettings,omitempty"`
	M3u8Settings *M3u8Settings `json:"M3u8Settings,omitempty"`
	M2tsSettings *M2tsSettings `json:"M2tsSettings,omitempty"`
}

// Mp4Settings are MP4 container options.
type Mp4Settings struct {
	CslgAtom      string `json:"CslgAtom,omitempty"`
	CttsVersion   *int   `json:"CttsVersion,omitempty"`
	FreeSpaceBox  string `json:"FreeSpaceBox,omitempty"`
	MoovPlacement string `json:"MoovPlacement,omitempty"`
	Mp4MajorBrand string `json:"Mp4MajorBrand,omitempty"`
	AudioDuration string `json:"AudioDuration,omitempty"`
}

// MovSettings are QuickTime container options.
type MovSettings struct {
	ClapAtom           string `json:"ClapAtom,omitempty"`
	CslgAtom           string `json:"CslgAtom,omitempty"`
	Mpeg2FourCCControl string `json:"Mpeg2FourCCControl,omitempty"`
	PaddingControl     string `json:"PaddingControl,omitempty"`
	Reference          string `json:"Reference,omitempty"`
}

// M3u8Settings are the MPEG-TS options of HLS segments.
type M3u8Settings struct {
	AudioFramesPerPes  *int   `json:"AudioFramesPerPes,omitempty"`
	AudioPids          []int  `json:"AudioPids,omitempty"`
	PcrControl         string `json:"PcrControl,omitempty"`
	PmtPid             *int   `json:"PmtPid,omitempty"`
	PmtInterval        *int   `json:"PmtInterval,omitempty"`
	PatInterval        *int   `json:"PatInterval,omitempty"`
	PrivateMetadataPid *int   `json:"PrivateMetadataPid,omitempty"`
	ProgramNumber      *int   `json:"ProgramNumber,omitempty"`
	Scte35Source       string `json:"Scte35Source,omitempty"`
	Scte35Pid          *int   `json:"Scte35Pid,omitempty"`
	TimedMetadata      string `json:"TimedMetadata,omitempty"`
	TimedMetadataPid   *int   `json:"TimedMetadataPid,omitempty"`
	NielsenId3         string `json:"NielsenId3,omitempty"`
	VideoPid           *int   `json:"VideoPid,omitempty"`
	TransportStreamId  *int   `json:"TransportStreamId,omitempty"`
	AudioDuration      string `json:"AudioDuration,omitempty"`
}

// M2tsSettings are the options of an MPEG-TS file output.
type M2tsSettings struct {
	AudioFramesPerPes *int   `json:"AudioFramesPerPes,omitempty"`
	AudioPids         []int  `json:"AudioPids,omitempty"`
	PmtPid            *int   `json:"PmtPid,omitempty"`
	ProgramNumber     *int   `json:"ProgramNumber,omitempty"`
	VideoPid          *int   `json:"VideoPid,omitempty"`
	TransportStreamId *int   `json:"TransportStreamId,omitempty"`
	Scte35Source      string `json:"Scte35Source,omitempty"`
	NielsenId3        string `json:"NielsenId3,omitempty"`
	RateMode          string `json:"RateMode,omitempty"`
	AudioDuration     string `json:"AudioDuration,omitempty"`
}
