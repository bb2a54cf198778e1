package sns

import (
	"encoding/base64"
	"encoding/xml"
	"errors"
	"net/http"
	"net/url"
	"strconv"

	"github.com/mie-kafka/mie/events"
	"github.com/mie-kafka/mie/processors/worker/services"
)

// Error is an SNS error, by its code on the wire (NotFound,
// InvalidParameter, ...).
type Error struct {
	Code    string
	Message string
}

func (e *Error) Error() string { return e.Code + ": " + e.Message }

// status is the HTTP status of an error code.
func (e *Error) status() int {
	switch e.Code {
	case "NotFound":
		return http.StatusNotFound
	case "InternalError":
		return http.StatusInternalServerError
	case "ServiceUnavailable":
		return http.StatusServiceUnavailable
	}
	return http.StatusBadRequest
}

// wireCodes are the SNS error codes on the wire of the exceptions the
// publishers name.
var wireCodes = map[string]string{
	"NotFoundException":         "NotFound",
	"InvalidParameterException": "InvalidParameter",
}

type errorResponse struct {
	XMLName   xml.Name `xml:"ErrorResponse"`
	Xmlns     string   `xml:"xmlns,attr"`
	Error     errorXML `xml:"Error"`
	RequestId string   `xml:"RequestId"`
}

type errorXML struct {
	Type    string `xml:"Type"`
	Code    string `xml:"Code"`
	Message string `xml:"Message"`
}

func writeError(w http.ResponseWriter, id string, err error) {
	var e *Error
	var se *services.ServiceError
	switch {
	case errors.As(err, &e):
	case errors.As(err, &se):
		e = &Error{Code: wireCodes[se.Code], Message: se.Message}
		if e.Code == "" {
			e.Code = se.Code
		}
	default:
		e = &Error{Code: "InternalError", Message: err.Error()}
	}
	fault := "Sender"
	if e.status() >= 500 {
		fault = "Receiver"
	}
	writeXML(w, e.status(), errorResponse{Xmlns: namespace, Error: errorXML{Type: fault, Code: e.Code, Message: e.Message}, RequestId: id})
}

func invalidParameter(msg string) error {
	return &Error{Code: "InvalidParameter", Message: "Invalid parameter: " + msg}
}

// form is a request's parameters.
type form url.Values

func (f form) get(k string) string { return url.Values(f).Get(k) }

// entries reads a map parameter: Name.entry.N.key and .value.
func (f form) entries(name string) map[string]string {
	out := map[string]string{}
	for i := 1; ; i++ {
		p := name + ".entry." + strconv.Itoa(i) + "."
		k := f.get(p + "key")
		if k == "" {
			return out
		}
		out[k] = f.get(p + "value")
	}
}

// tags reads Tags.member.N.Key and .Value.
func (f form) tags() []events.Tag {
	var out []events.Tag
	for i := 1; ; i++ {
		p := "Tags.member." + strconv.Itoa(i) + "."
		k := f.get(p + "Key")
		if k == "" {
			return out
		}
		out = append(out, events.Tag{Key: k, Value: f.get(p + "Value")})
	}
}

// messageAttributes reads MessageAttributes.entry.N.Name and
// .Value.DataType, .Value.StringValue, .Value.BinaryValue (base64).
func (f form) messageAttributes() (map[string]events.MessageAttribute, error) {
	var out map[string]events.MessageAttribute
	for i := 1; ; i++ {
		p := "MessageAttributes.entry." + strconv.Itoa(i) + "."
		name := f.get(p + "Name")
		if name == "" {
			return out, nil
		}
		a := events.MessageAttribute{DataType: f.get(p + "Value.DataType"), StringValue: f.get(p + "Value.StringValue")}
		if b := f.get(p + "Value.BinaryValue"); b != "" {
			v, err := base64.StdEncoding.DecodeString(b)
			if err != nil {
				return nil, invalidParameter("The message attribute '" + name + "' has an invalid binary value")
			}
			a.BinaryValue = v
		}
		if out == nil {
			out = map[string]events.MessageAttribute{}
		}
		out[name] = a
	}
}

// attributes renders a map as SNS's <Attributes><entry><key/><value/>.
type attributes struct {
	Entries []entry `xml:"entry"`
}

type entry struct {
	Key   string `xml:"key"`
	Value string `xml:"value"`
}

func attributesOf(m map[string]string, keys []string) attributes {
	var a attributes
	for _, k := range keys {
		if v, ok := m[k]; ok {
			a.Entries = append(a.Entries, entry{Key: k, Value: v})
		}
	}
	return a
}
