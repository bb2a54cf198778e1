#!/bin/sh
# Regenerates jayway.json from cases.json with Jayway JsonPath 2.9.0 from
# Maven Central (needs java and mvn).
set -e
cd "$(dirname "$0")"
mvn -q dependency:get -Dartifact=com.jayway.jsonpath:json-path:2.9.0
m2="$HOME/.m2/repository"
cp="$m2/com/jayway/jsonpath/json-path/2.9.0/json-path-2.9.0.jar:$m2/net/minidev/json-smart/2.5.0/json-smart-2.5.0.jar:$m2/net/minidev/accessors-smart/2.5.0/accessors-smart-2.5.0.jar:$m2/org/ow2/asm/asm/9.3/asm-9.3.jar:$m2/org/slf4j/slf4j-api/2.0.11/slf4j-api-2.0.11.jar"
java -cp "$cp" Jayway.java cases.json jayway.json
