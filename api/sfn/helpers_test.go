package sfn

import "github.com/mie-kafka/mie/events"

func routeOf(version, weight int) events.AliasRoute {
	return events.AliasRoute{Version: version, Weight: weight}
}

func aliasOf(routes ...events.AliasRoute) events.StateMachineAlias {
	return events.StateMachineAlias{StateMachine: "M", Name: "A", Routing: routes}
}
