// Jayway.java evaluates every case of cases.json with Jayway JsonPath (the
// library Step Functions runs) and writes jayway.json, which
// TestJaywayConformance compares the Go evaluator against. Regenerate with
// ./regenerate.sh after changing cases.json.
import com.jayway.jsonpath.Configuration;
import com.jayway.jsonpath.JsonPath;
import com.jayway.jsonpath.spi.json.JsonProvider;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import net.minidev.json.JSONValue;

public class Jayway {
    public static void main(String[] args) throws Exception {
        Configuration conf = Configuration.defaultConfiguration();
        JsonProvider json = conf.jsonProvider();
        List<?> cases = (List<?>) JSONValue.parse(Files.readString(Path.of(args[0])));
        StringBuilder out = new StringBuilder("[\n");
        for (int i = 0; i < cases.size(); i++) {
            Map<?, ?> c = (Map<?, ?>) cases.get(i);
            String path = (String) c.get("path");
            String doc = JSONValue.toJSONString(c.get("doc"));
            String result;
            try {
                JsonPath compiled = JsonPath.compile(path);
                Object v = compiled.read(json.parse(doc), conf);
                result = "{\"definite\":" + compiled.isDefinite() + ",\"value\":" + JSONValue.toJSONString(v) + "}";
            } catch (Exception e) {
                result = "{\"error\":" + JSONValue.toJSONString(e.getClass().getSimpleName() + ": " + e.getMessage()) + "}";
            }
            out.append("  {\"path\":").append(JSONValue.toJSONString(path))
               .append(",\"doc\":").append(doc)
               .append(",\"jayway\":").append(result).append("}")
               .append(i < cases.size() - 1 ? ",\n" : "\n");
        }
        out.append("]\n");
        Files.writeString(Path.of(args[1]), out.toString());
    }
}
