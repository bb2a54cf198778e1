package asl

import (
	"math"
	"strings"
)

// ItemReader is a distributed Map's source of items.
type ItemReader struct {
	Resource     string
	Parameters   *Payload // Parameters (JSONPath) or Arguments (JSONata)
	ReaderConfig ReaderConfig
}

// ReaderConfig is an ItemReader's ReaderConfig.
type ReaderConfig struct {
	InputType         InputType
	CSVHeaderLocation CSVHeaderLocation
	CSVHeaders        []string
	CSVDelimiter      string
	ManifestType      string
	MaxItems          IntField // MaxItems, MaxItemsPath or "{% %}"
}

// ItemBatcher groups a distributed Map's items into batches.
type ItemBatcher struct {
	MaxItemsPerBatch      IntField
	MaxInputBytesPerBatch IntField
	BatchInput            *Payload
}

// ResultWriter is where a distributed Map writes its results.
type ResultWriter struct {
	Resource     string
	Parameters   *Payload // Parameters (JSONPath) or Arguments (JSONata)
	WriterConfig *WriterConfig
}

// WriterConfig is a ResultWriter's WriterConfig.
type WriterConfig struct {
	OutputType     string
	Transformation string
}

// The ItemReader and ResultWriter resources AWS supports.
var (
	readerResources = map[string]bool{"arn:aws:states:::s3:getObject": true, "arn:aws:states:::s3:listObjectsV2": true}
	writerResources = map[string]bool{"arn:aws:states:::s3:putObject": true}
)

func (p *parser) parseItemReader(r *reader) *ItemReader {
	o, ok := r.obj("ItemReader")
	if !ok {
		return nil
	}
	ir := newReader(o, r.field("ItemReader"), &p.ps, r.ql)
	ir.check(fieldSet{"Resource": langBoth, "ReaderConfig": langBoth, "Parameters": langPath, "Arguments": langAta})
	ir.require("Resource")
	out := &ItemReader{}
	out.Resource = p.integrationResource(ir, readerResources)
	out.Parameters = p.payload(ir, "Parameters")
	if out.Parameters == nil {
		out.Parameters = p.payload(ir, "Arguments")
	}
	co, ok := ir.obj("ReaderConfig")
	if !ok {
		return out
	}
	cr := newReader(co, ir.field("ReaderConfig"), &p.ps, r.ql)
	cr.check(fieldSet{"InputType": langBoth, "CSVHeaderLocation": langBoth, "CSVHeaders": langBoth, "CSVDelimiter": langBoth,
		"ManifestType": langBoth, "MaxItems": langBoth, "MaxItemsPath": langPath})
	rc := &out.ReaderConfig
	if s, ok := cr.str("InputType"); ok {
		rc.InputType = InputUnset
		for i, n := range inputTypeNames {
			if i > 0 && n == s {
				rc.InputType = InputType(i)
			}
		}
		if rc.InputType == InputUnset {
			p.ps.schema(cr.field("InputType"), "Field 'InputType' must be one of [JSON, JSONL, CSV, MANIFEST, PARQUET], not %q", s)
		}
	}
	if s, ok := cr.str("CSVHeaderLocation"); ok {
		switch s {
		case "FIRST_ROW":
			rc.CSVHeaderLocation = HeaderFirstRow
		case "GIVEN":
			rc.CSVHeaderLocation = HeaderGiven
		default:
			p.ps.schema(cr.field("CSVHeaderLocation"), "Field 'CSVHeaderLocation' must be one of [FIRST_ROW, GIVEN], not %q", s)
		}
	}
	rc.CSVHeaders = p.stringList(cr, "CSVHeaders")
	if rc.CSVHeaderLocation == HeaderGiven && rc.CSVHeaders == nil && !cr.has("CSVHeaders") {
		cr.require("CSVHeaders")
	}
	rc.CSVDelimiter = p.oneOf(cr, "CSVDelimiter", "COMMA", "PIPE", "SEMICOLON", "SPACE", "TAB")
	rc.ManifestType = p.oneOf(cr, "ManifestType", "ATHENA_DATA", "S3_INVENTORY")
	rc.MaxItems = cr.intField("MaxItems", 0, 100000000)
	return out
}

func (p *parser) parseItemBatcher(r *reader) *ItemBatcher {
	o, ok := r.obj("ItemBatcher")
	if !ok {
		return nil
	}
	br := newReader(o, r.field("ItemBatcher"), &p.ps, r.ql)
	br.check(fieldSet{"MaxItemsPerBatch": langBoth, "MaxItemsPerBatchPath": langPath, "MaxInputBytesPerBatch": langBoth,
		"MaxInputBytesPerBatchPath": langPath, "BatchInput": langBoth})
	out := &ItemBatcher{}
	out.MaxItemsPerBatch = br.intField("MaxItemsPerBatch", 0, math.MaxInt64)
	out.MaxInputBytesPerBatch = br.intField("MaxInputBytesPerBatch", 0, 256*1024)
	out.BatchInput = p.payload(br, "BatchInput")
	return out
}

func (p *parser) parseResultWriter(r *reader) *ResultWriter {
	o, ok := r.obj("ResultWriter")
	if !ok {
		return nil
	}
	wr := newReader(o, r.field("ResultWriter"), &p.ps, r.ql)
	wr.check(fieldSet{"Resource": langBoth, "Parameters": langPath, "Arguments": langAta, "WriterConfig": langBoth})
	out := &ResultWriter{}
	if wr.has("Resource") {
		out.Resource = p.integrationResource(wr, writerResources)
	}
	out.Parameters = p.payload(wr, "Parameters")
	if out.Parameters == nil {
		out.Parameters = p.payload(wr, "Arguments")
	}
	if co, ok := wr.obj("WriterConfig"); ok {
		cr := newReader(co, wr.field("WriterConfig"), &p.ps, r.ql)
		cr.check(fieldSet{"OutputType": langBoth, "Transformation": langBoth})
		out.WriterConfig = &WriterConfig{}
		out.WriterConfig.OutputType = p.oneOf(cr, "OutputType", "JSON", "JSONL")
		out.WriterConfig.Transformation = p.oneOf(cr, "Transformation", "NONE", "COMPACT", "FLATTEN")
	}
	return out
}

// integrationResource reads a Resource that must be one of allowed.
func (p *parser) integrationResource(r *reader, allowed map[string]bool) string {
	s, ok := r.str("Resource")
	if ok && !allowed[s] {
		p.ps.schema(r.field("Resource"), "Unsupported resource: %s", s)
	}
	return s
}

// oneOf reads a string field that must be one of values.
func (p *parser) oneOf(r *reader, k string, values ...string) string {
	s, ok := r.str(k)
	if !ok {
		return ""
	}
	for _, v := range values {
		if s == v {
			return s
		}
	}
	p.ps.schema(r.field(k), "Field '%s' must be one of [%s], not %q", k, strings.Join(values, ", "), s)
	return ""
}

// stringList reads an array of strings.
func (p *parser) stringList(r *reader, k string) []string {
	arr, ok := r.arr(k)
	if !ok {
		return nil
	}
	out := make([]string, 0, len(arr))
	for i, v := range arr {
		s, ok := v.(string)
		if !ok {
			p.ps.schema(r.field(k).index(i), "Each element of '%s' must be a string, not %s", k, jsonKind(v))
			continue
		}
		out = append(out, s)
	}
	return out
}
