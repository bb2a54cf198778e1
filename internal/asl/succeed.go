package asl

// Succeed ends the execution (or branch, or iteration) successfully.
type Succeed struct {
	Base
}

// Type returns TypeSucceed.
func (*Succeed) Type() StateType { return TypeSucceed }

func init() {
	register(TypeSucceed, &stateKind{
		fields: ioFields,
		leaves: terminal,
		parse:  func(_ *parser, _ *reader, b Base) State { return &Succeed{Base: b} },
	})
}
