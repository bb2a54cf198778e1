package transcode

// unsupportedFields lists, per request shape, the MediaConvert settings the
// model leaves out: fields of the same MediaConvert shape (as the
// MediaConvert API reference names them) that the transcoder cannot
// honour. A request naming one fails with "not supported by this
// transcoder"; any other unknown name fails as an unknown field.
var unsupportedFields = map[string][]string{
	"JobSettings":         {"AvailBlanking", "ColorConversion3DLUTSettings", "Esam", "ExtendedDataServices", "KantarWatermark", "MotionImageInserter", "NielsenConfiguration", "NielsenNonLinearWatermark", "TimedMetadataInsertion"},
	"Input":               {"AdvancedInputFilter", "AdvancedInputFilterSettings", "AudioSelectorGroups", "CaptionSelectors", "Crop", "DecryptionSettings", "DolbyVisionMetadataXml", "DynamicAudioSelectors", "ImageInserter", "MultiViewSettings", "Position", "SupplementalImps", "TamsSettings", "VideoGenerator", "VideoOverlays"},
	"AudioSelector":       {"HlsRenditionGroupSettings", "RemixSettings", "Streams"},
	"VideoSelector":       {"Hdr10Metadata", "MaxLuminance", "SelectorType", "Streams"},
	"OutputGroup":         {"AutomatedEncodingSettings"},
	"OutputGroupSettings": {"CmafGroupSettings", "DashIsoGroupSettings", "MsSmoothGroupSettings", "PerFrameMetrics"},
	"HlsGroupSettings":    {"AdditionalManifests", "CaptionLanguageMappings", "Encryption", "ImageBasedTrickPlaySettings"},
	"Output":              {"CaptionDescriptions", "Preset"},
	"ContainerSettings":   {"CmfcSettings", "F4vSettings", "MpdSettings", "MxfSettings"},
	"Mp4Settings":         {"C2paManifest", "CertificateSecret", "SigningKmsKey"},
	"M3u8Settings":        {"AudioPtsOffsetDelta", "DataPTSControl", "MaxPcrInterval", "PcrPid", "PtsOffset", "PtsOffsetMode"},
	"M2tsSettings":        {"AudioBufferModel", "AudioPtsOffsetDelta", "Bitrate", "BufferModel", "DataPTSControl", "DvbNitSettings", "DvbSdtSettings", "DvbSubPids", "DvbTdtSettings", "DvbTeletextPid", "EbpAudioInterval", "EbpPlacement", "EsRateInPes", "ForceTsVideoEbpOrder", "FragmentTime", "KlvMetadata", "MaxPcrInterval", "MinEbpInterval", "NullPacketBitrate", "PatInterval", "PcrControl", "PcrPid", "PmtInterval", "PreventBufferUnderflow", "PrivateMetadataPid", "PtsOffset", "PtsOffsetMode", "Scte35Esam", "Scte35Pid", "SegmentationMarkers", "SegmentationStyle", "SegmentationTime", "TimedMetadataPid"},
	"VideoDescription":    {"ChromaPositionMode", "Position", "VideoPreprocessors"},
	"VideoCodecSettings":  {"Av1Settings", "AvcIntraSettings", "GifSettings", "Mpeg2Settings", "PassthroughSettings", "ProresSettings", "UncompressedSettings", "Vc3Settings", "Vp8Settings", "Vp9Settings", "XavcSettings"},
	"H264Settings":        {"BandwidthReductionFilter", "PerFrameMetrics", "SaliencyAwareEncoding"},
	"H265Settings":        {"BandwidthReductionFilter", "Deblocking", "MvOverPictureBoundaries", "MvTemporalPredictor", "PerFrameMetrics", "TileHeight", "TilePadding", "TileWidth", "TreeBlockSize"},
	"AudioDescription":    {"AudioChannelTaggingSettings", "AudioNormalizationSettings", "AudioPitchCorrectionSettings", "RemixSettings"},
	"AudioCodecSettings":  {"Ac3Settings", "Ac4Settings", "AiffSettings", "Eac3AtmosSettings", "Eac3Settings", "FlacSettings", "Mp2Settings", "Mp3Settings", "OpusSettings", "VorbisSettings", "WavSettings"},
	"AacSettings":         {"LoudnessMeasurementMode", "RapInterval", "TargetLoudnessRange"},
}
