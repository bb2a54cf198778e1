package transcode

// VideoDescription is an output's video.
type VideoDescription struct {
	Width             int                 `json:"Width,omitempty"`
	Height            int                 `json:"Height,omitempty"`
	ScalingBehavior   string              `json:"ScalingBehavior,omitempty"`
	AntiAlias         string              `json:"AntiAlias,omitempty"`
	Sharpness         *int                `json:"Sharpness,omitempty"`
	CodecSettings     *VideoCodecSettings `json:"CodecSettings,omitempty"`
	Crop              *Rectangle          `json:"Crop,omitempty"`
	AfdSignaling      string              `json:"AfdSignaling,omitempty"`
	FixedAfd          *int                `json:"FixedAfd,omitempty"`
	RespondToAfd      string              `json:"RespondToAfd,omitempty"`
	ColorMetadata     string              `json:"ColorMetadata,omitempty"`
	DropFrameTimecode string              `json:"DropFrameTimecode,omitempty"`
	TimecodeInsertion string              `json:"TimecodeInsertion,omitempty"`
	TimecodeTrack     string              `json:"TimecodeTrack,omitempty"`
}

// Rectangle is a crop of the input picture, in pixels.
type Rectangle struct {
	X      int `json:"X"`
	Y      int `json:"Y"`
	Width  int `json:"Width"`
	Height int `json:"Height"`
}

// VideoCodecSettings names the codec and holds its settings.
type VideoCodecSettings struct {
	Codec                string                `json:"Codec"`
	H264Settings         *H264Settings         `json:"H264Settings,omitempty"`
	H265Settings         *H265Settings         `json:"H265Settings,omitempty"`
	FrameCaptureSettings *FrameCaptureSettings `json:"FrameCaptureSettings,omitempty"`
}

// QvbrSettings are the quality-defined VBR settings of H.264 and H.265.
type QvbrSettings struct {
	QvbrQualityLevel         int      `json:"QvbrQualityLevel,omitempty"`
	QvbrQualityLevelFineTune *float64 `json:"QvbrQualityLevelFineTune,omitempty"`
	MaxAverageBitrate        int      `json:"MaxAverageBitrate,omitempty"`
}

// H264Settings are MediaConvert's H.264 settings; libx264 encodes them.
type H264Settings struct {
	RateControlMode                     string        `json:"RateControlMode,omitempty"`
	Bitrate                             int           `json:"Bitrate,omitempty"`
	MaxBitrate                          int           `json:"MaxBitrate,omitempty"`
	QvbrSettings                        *QvbrSettings `json:"QvbrSettings,omitempty"`
	HrdBufferSize                       int           `json:"HrdBufferSize,omitempty"`
	HrdBufferInitialFillPercentage      *int          `json:"HrdBufferInitialFillPercentage,omitempty"`
	HrdBufferFinalFillPercentage        *int          `json:"HrdBufferFinalFillPercentage,omitempty"`
	GopSize                             float64       `json:"GopSize,omitempty"`
	GopSizeUnits                        string        `json:"GopSizeUnits,omitempty"`
	GopClosedCadence                    *int          `json:"GopClosedCadence,omitempty"`
	GopBReference                       string        `json:"GopBReference,omitempty"`
	MinIInterval                        *int          `json:"MinIInterval,omitempty"`
	NumberBFramesBetweenReferenceFrames *int          `json:"NumberBFramesBetweenReferenceFrames,omitempty"`
	NumberReferenceFrames               *int          `json:"NumberReferenceFrames,omitempty"`
	Slices                              *int          `json:"Slices,omitempty"`
	CodecProfile                        string        `json:"CodecProfile,omitempty"`
	CodecLevel                          string        `json:"CodecLevel,omitempty"`
	EntropyEncoding                     string        `json:"EntropyEncoding,omitempty"`
	QualityTuningLevel                  string        `json:"QualityTuningLevel,omitempty"`
	SceneChangeDetect                   string        `json:"SceneChangeDetect,omitempty"`
	InterlaceMode                       string        `json:"InterlaceMode,omitempty"`
	FieldEncoding                       string        `json:"FieldEncoding,omitempty"`
	FramerateControl                    string        `json:"FramerateControl,omitempty"`
	FramerateConversionAlgorithm        string        `json:"FramerateConversionAlgorithm,omitempty"`
	FramerateNumerator                  int           `json:"FramerateNumerator,omitempty"`
	FramerateDenominator                int           `json:"FramerateDenominator,omitempty"`
	ParControl                          string        `json:"ParControl,omitempty"`
	ParNumerator                        int           `json:"ParNumerator,omitempty"`
	ParDenominator                      int           `json:"ParDenominator,omitempty"`
	AdaptiveQuantization                string        `json:"AdaptiveQuantization,omitempty"`
	SpatialAdaptiveQuantization         string        `json:"SpatialAdaptiveQuantization,omitempty"`
	TemporalAdaptiveQuantization        string        `json:"TemporalAdaptiveQuantization,omitempty"`
	FlickerAdaptiveQuantization         string        `json:"FlickerAdaptiveQuantization,omitempty"`
	DynamicSubGop                       string        `json:"DynamicSubGop,omitempty"`
	RepeatPps                           string        `json:"RepeatPps,omitempty"`
	Syntax                              string        `json:"Syntax,omitempty"`
	Telecine                            string        `json:"Telecine,omitempty"`
	SlowPal                             string        `json:"SlowPal,omitempty"`
	Softness                            *int          `json:"Softness,omitempty"`
	UnregisteredSeiTimecode             string        `json:"UnregisteredSeiTimecode,omitempty"`
	ScanTypeConversionMode              string        `json:"ScanTypeConversionMode,omitempty"`
	EndOfStreamMarkers                  string        `json:"EndOfStreamMarkers,omitempty"`
	WriteMp4PackagingType               string        `json:"WriteMp4PackagingType,omitempty"`
}

// H265Settings are MediaConvert's H.265 settings; libx265 encodes them.
type H265Settings struct {
	RateControlMode                     string        `json:"RateControlMode,omitempty"`
	Bitrate                             int           `json:"Bitrate,omitempty"`
	MaxBitrate                          int           `json:"MaxBitrate,omitempty"`
	QvbrSettings                        *QvbrSettings `json:"QvbrSettings,omitempty"`
	HrdBufferSize                       int           `json:"HrdBufferSize,omitempty"`
	HrdBufferInitialFillPercentage      *int          `json:"HrdBufferInitialFillPercentage,omitempty"`
	HrdBufferFinalFillPercentage        *int          `json:"HrdBufferFinalFillPercentage,omitempty"`
	GopSize                             float64       `json:"GopSize,omitempty"`
	GopSizeUnits                        string        `json:"GopSizeUnits,omitempty"`
	GopClosedCadence                    *int          `json:"GopClosedCadence,omitempty"`
	GopBReference                       string        `json:"GopBReference,omitempty"`
	MinIInterval                        *int          `json:"MinIInterval,omitempty"`
	NumberBFramesBetweenReferenceFrames *int          `json:"NumberBFramesBetweenReferenceFrames,omitempty"`
	NumberReferenceFrames               *int          `json:"NumberReferenceFrames,omitempty"`
	Slices                              *int          `json:"Slices,omitempty"`
	CodecProfile                        string        `json:"CodecProfile,omitempty"`
	CodecLevel                          string        `json:"CodecLevel,omitempty"`
	QualityTuningLevel                  string        `json:"QualityTuningLevel,omitempty"`
	SceneChangeDetect                   string        `json:"SceneChangeDetect,omitempty"`
	InterlaceMode                       string        `json:"InterlaceMode,omitempty"`
	FramerateControl                    string        `json:"FramerateControl,omitempty"`
	FramerateConversionAlgorithm        string        `json:"FramerateConversionAlgorithm,omitempty"`
	FramerateNumerator                  int           `json:"FramerateNumerator,omitempty"`
	FramerateDenominator                int           `json:"FramerateDenominator,omitempty"`
	ParControl                          string        `json:"ParControl,omitempty"`
	ParNumerator                        int           `json:"ParNumerator,omitempty"`
	ParDenominator                      int           `json:"ParDenominator,omitempty"`
	AdaptiveQuantization                string        `json:"AdaptiveQuantization,omitempty"`
	SpatialAdaptiveQuantization         string        `json:"SpatialAdaptiveQuantization,omitempty"`
	TemporalAdaptiveQuantization        string        `json:"TemporalAdaptiveQuantization,omitempty"`
	FlickerAdaptiveQuantization         string        `json:"FlickerAdaptiveQuantization,omitempty"`
	DynamicSubGop                       string        `json:"DynamicSubGop,omitempty"`
	Telecine                            string        `json:"Telecine,omitempty"`
	SlowPal                             string        `json:"SlowPal,omitempty"`
	UnregisteredSeiTimecode             string        `json:"UnregisteredSeiTimecode,omitempty"`
	ScanTypeConversionMode              string        `json:"ScanTypeConversionMode,omitempty"`
	EndOfStreamMarkers                  string        `json:"EndOfStreamMarkers,omitempty"`
	WriteMp4PackagingType               string        `json:"WriteMp4PackagingType,omitempty"`
	AlternateTransferFunctionSei        string        `json:"AlternateTransferFunctionSei,omitempty"`
	SampleAdaptiveOffsetFilterMode      string        `json:"SampleAdaptiveOffsetFilterMode,omitempty"`
	TemporalIds                         string        `json:"TemporalIds,omitempty"`
	Tiles                               string        `json:"Tiles,omitempty"`
}

// FrameCaptureSettings are JPEG frame captures (thumbnails).
type FrameCaptureSettings struct {
	FramerateNumerator   int `json:"FramerateNumerator,omitempty"`
	FramerateDenominator int `json:"FramerateDenominator,omitempty"`
	MaxCaptures          int `json:"MaxCaptures,omitempty"`
	Quality              int `json:"Quality,omitempty"`
}

// AudioDescription is one audio track of an output.
type AudioDescription struct {
	AudioSourceName     string              `json:"AudioSourceName,omitempty"`
	CodecSettings       *AudioCodecSettings `json:"CodecSettings,omitempty"`
	AudioType           *int                `json:"AudioType,omitempty"`
	AudioTypeControl    string              `json:"AudioTypeControl,omitempty"`
	LanguageCode        string              `json:"LanguageCode,omitempty"`
	LanguageCodeControl string              `json:"LanguageCodeControl,omitempty"`
	CustomLanguageCode  string              `json:"CustomLanguageCode,omitempty"`
	StreamName          string              `json:"StreamName,omitempty"`
}

// AudioCodecSettings names the audio codec and holds its settings.
type AudioCodecSettings struct {
	Codec       string       `json:"Codec"`
	AacSettings *AacSettings `json:"AacSettings,omitempty"`
}

// AacSettings are AAC settings; ffmpeg's native AAC encoder encodes them.
type AacSettings struct {
	Bitrate                        int    `json:"Bitrate,omitempty"`
	SampleRate                     int    `json:"SampleRate,omitempty"`
	CodingMode                     string `json:"CodingMode,omitempty"`
	CodecProfile                   string `json:"CodecProfile,omitempty"`
	RateControlMode                string `json:"RateControlMode,omitempty"`
	RawFormat                      string `json:"RawFormat,omitempty"`
	Specification                  string `json:"Specification,omitempty"`
	AudioDescriptionBroadcasterMix string `json:"AudioDescriptionBroadcasterMix,omitempty"`
	VbrQuality                     string `json:"VbrQuality,omitempty"`
}
