package awsfake

import (
	"encoding/xml"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
)

const ec2NS = "http://ec2.amazonaws.com/doc/2016-11-15/"

type xmlTag struct {
	Key   string `xml:"key"`
	Value string `xml:"value"`
}

type xmlState struct {
	Code int    `xml:"code"`
	Name string `xml:"name"`
}

type xmlInstance struct {
	InstanceID       string   `xml:"instanceId"`
	InstanceState    xmlState `xml:"instanceState"`
	PrivateIPAddress string   `xml:"privateIpAddress,omitempty"`
	IPAddress        string   `xml:"ipAddress,omitempty"`
	Tags             []xmlTag `xml:"tagSet>item"`
}

type xmlReservation struct {
	ReservationID string        `xml:"reservationId"`
	Instances     []xmlInstance `xml:"instancesSet>item"`
}

type describeResponse struct {
	XMLName      xml.Name         `xml:"DescribeInstancesResponse"`
	NS           string           `xml:"xmlns,attr"`
	RequestID    string           `xml:"requestId"`
	Reservations []xmlReservation `xml:"reservationSet>item"`
}

type stateChange struct {
	InstanceID    string   `xml:"instanceId"`
	CurrentState  xmlState `xml:"currentState"`
	PreviousState xmlState `xml:"previousState"`
}

type startResponse struct {
	XMLName   xml.Name      `xml:"StartInstancesResponse"`
	NS        string        `xml:"xmlns,attr"`
	RequestID string        `xml:"requestId"`
	Instances []stateChange `xml:"instancesSet>item"`
}

type ec2Error struct {
	XMLName xml.Name `xml:"Response"`
	Errors  struct {
		Error struct {
			Code    string `xml:"Code"`
			Message string `xml:"Message"`
		} `xml:"Error"`
	} `xml:"Errors"`
	RequestID string `xml:"RequestID"`
}

func (s *Server) serveEC2(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		ec2Fail(w, http.StatusBadRequest, "MalformedQueryString", err.Error())
		return
	}
	action := r.Form.Get("Action")
	if code := s.record("ec2:" + action); code != "" {
		ec2Fail(w, http.StatusBadRequest, code, "injected failure")
		return
	}
	switch action {
	case "DescribeInstances":
		s.describe(w, r.Form)
	case "StartInstances":
		s.start(w, r.Form)
	default:
		ec2Fail(w, http.StatusBadRequest, "InvalidAction", fmt.Sprintf("the fake does not implement %q", action))
	}
}

// list reads a query list such as InstanceId.1, InstanceId.2, ...
func list(form url.Values, prefix string) []string {
	var out []string
	for i := 1; ; i++ {
		v, ok := form[prefix+"."+strconv.Itoa(i)]
		if !ok {
			return out
		}
		out = append(out, v...)
	}
}

type filter struct {
	name   string
	values []string
}

func filters(form url.Values) []filter {
	var out []filter
	for i := 1; ; i++ {
		p := "Filter." + strconv.Itoa(i)
		name := form.Get(p + ".Name")
		if name == "" {
			return out
		}
		out = append(out, filter{name: name, values: list(form, p+".Value")})
	}
}

func (f filter) match(x *Instance) (bool, error) {
	switch f.name {
	case "instance-id":
		return slices.Contains(f.values, x.ID), nil
	case "instance-state-name":
		return slices.Contains(f.values, x.State), nil
	case "tag-key":
		for _, v := range f.values {
			if _, ok := x.Tags[v]; ok {
				return true, nil
			}
		}
		return false, nil
	}
	if key, ok := tagKey(f.name); ok {
		v, has := x.Tags[key]
		return has && slices.Contains(f.values, v), nil
	}
	return false, fmt.Errorf("the fake does not support filter %q", f.name)
}

func (s *Server) describe(w http.ResponseWriter, form url.Values) {
	ids := list(form, "InstanceId")
	fs := filters(form)
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, id := range ids {
		if s.instance(id) == nil {
			ec2Fail(w, http.StatusBadRequest, "InvalidInstanceID.NotFound", fmt.Sprintf("The instance ID '%s' does not exist", id))
			return
		}
	}
	resp := describeResponse{NS: ec2NS, RequestID: "fake-describe"}
	for _, x := range s.instances {
		if len(ids) > 0 && !slices.Contains(ids, x.ID) {
			continue
		}
		keep := true
		for _, f := range fs {
			ok, err := f.match(x)
			if err != nil {
				ec2Fail(w, http.StatusBadRequest, "InvalidParameterValue", err.Error())
				return
			}
			keep = keep && ok
		}
		if !keep {
			continue
		}
		xi := xmlInstance{InstanceID: x.ID, InstanceState: xmlState{Code: stateCodes[x.State], Name: x.State},
			PrivateIPAddress: x.PrivateIP, IPAddress: x.PublicIP}
		keys := make([]string, 0, len(x.Tags))
		for k := range x.Tags {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			xi.Tags = append(xi.Tags, xmlTag{Key: k, Value: x.Tags[k]})
		}
		resp.Reservations = append(resp.Reservations, xmlReservation{ReservationID: "r-" + x.ID, Instances: []xmlInstance{xi}})
	}
	writeXML(w, http.StatusOK, resp)
}

func (s *Server) start(w http.ResponseWriter, form url.Values) {
	ids := list(form, "InstanceId")
	if len(ids) == 0 {
		ec2Fail(w, http.StatusBadRequest, "MissingParameter", "The request must contain the parameter InstanceId")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	resp := startResponse{NS: ec2NS, RequestID: "fake-start"}
	for _, id := range ids {
		x := s.instance(id)
		if x == nil {
			ec2Fail(w, http.StatusBadRequest, "InvalidInstanceID.NotFound", fmt.Sprintf("The instance ID '%s' does not exist", id))
			return
		}
		if x.State == StateTerminated || x.State == StateStopping {
			ec2Fail(w, http.StatusBadRequest, "IncorrectInstanceState",
				fmt.Sprintf("The instance '%s' is not in a state from which it can be started.", id))
			return
		}
	}
	for _, id := range ids {
		x := s.instance(id)
		prev := x.State
		if x.State == StateStopped {
			x.State = StatePending
		}
		s.started = append(s.started, id)
		resp.Instances = append(resp.Instances, stateChange{InstanceID: id,
			CurrentState:  xmlState{Code: stateCodes[x.State], Name: x.State},
			PreviousState: xmlState{Code: stateCodes[prev], Name: prev}})
	}
	writeXML(w, http.StatusOK, resp)
}

func ec2Fail(w http.ResponseWriter, status int, code, msg string) {
	var e ec2Error
	e.Errors.Error.Code, e.Errors.Error.Message, e.RequestID = code, msg, "fake-error"
	writeXML(w, status, e)
}

func writeXML(w http.ResponseWriter, status int, v any) {
	b, err := xml.Marshal(v)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/xml;charset=UTF-8")
	w.WriteHeader(status)
	_, _ = w.Write([]byte(xml.Header))
	_, _ = w.Write(b)
}
