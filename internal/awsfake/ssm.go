package awsfake

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
)

type ssmParameter struct {
	Name             string  `json:"Name"`
	Type             string  `json:"Type"`
	Value            string  `json:"Value"`
	Version          int64   `json:"Version"`
	LastModifiedDate float64 `json:"LastModifiedDate"`
	ARN              string  `json:"ARN"`
	DataType         string  `json:"DataType"`
}

func (s *Server) serveSSM(w http.ResponseWriter, r *http.Request, target string) {
	op, ok := strings.CutPrefix(target, "AmazonSSM.")
	if !ok {
		ssmFail(w, "UnknownOperationException", fmt.Sprintf("unknown target %q", target))
		return
	}
	var req struct {
		Name      string `json:"Name"`
		Value     string `json:"Value"`
		Type      string `json:"Type"`
		Overwrite bool   `json:"Overwrite"`
	}
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		ssmFail(w, "SerializationException", err.Error())
		return
	}
	if code := s.record("ssm:" + op); code != "" {
		ssmFail(w, code, "injected failure")
		return
	}
	if req.Name == "" {
		ssmFail(w, "ValidationException", "Name is required")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	switch op {
	case "GetParameter":
		p, ok := s.params[req.Name]
		if !ok {
			ssmFail(w, "ParameterNotFound", fmt.Sprintf("Parameter %s not found.", req.Name))
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"Parameter": ssmParameter{
			Name: p.Name, Type: p.Type, Value: p.Value, Version: p.Version,
			LastModifiedDate: float64(p.Modified.UnixMilli()) / 1000,
			ARN:              "arn:aws:ssm:" + Region + ":000000000000:parameter" + p.Name, DataType: "text",
		}})
	case "PutParameter":
		if _, exists := s.params[req.Name]; exists && !req.Overwrite {
			ssmFail(w, "ParameterAlreadyExists", fmt.Sprintf("The parameter %s already exists.", req.Name))
			return
		}
		typ := req.Type
		if typ == "" {
			typ = "String"
		}
		p := s.put(req.Name, req.Value, typ)
		writeJSON(w, http.StatusOK, map[string]any{"Version": p.Version, "Tier": "Standard"})
	default:
		ssmFail(w, "UnknownOperationException", fmt.Sprintf("the fake does not implement %q", op))
	}
}

func ssmFail(w http.ResponseWriter, code, msg string) {
	writeJSON(w, http.StatusBadRequest, map[string]string{"__type": code, "message": msg})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
