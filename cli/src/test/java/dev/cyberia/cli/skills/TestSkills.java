package dev.cyberia.cli.skills;

import dev.langchain4j.agent.tool.P;
import dev.langchain4j.agent.tool.Tool;

/** Skills the node tests load by class name: a slow one (to kill a node mid-tick) and the tiny model's weather tool. */
public final class TestSkills {
    @Tool(name = "nap", value = "Sleep a while.")
    public String nap(@P("milliseconds") long millis) throws InterruptedException {
        Thread.sleep(millis);
        return "slept " + millis + " ms";
    }

    @Tool(name = "weather", value = "Get the weather for a city.")
    public String weather(@P("the city") String city) {
        return "sunny in " + city;
    }
}
