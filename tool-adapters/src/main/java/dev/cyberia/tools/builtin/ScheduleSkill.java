package dev.cyberia.tools.builtin;

import dev.cyberia.agentcore.CallContext;
import dev.langchain4j.agent.tool.P;
import dev.langchain4j.agent.tool.Tool;
import java.time.Duration;

/** Asks for an extra tick later, with a reason the agent sees as pending work then. */
public final class ScheduleSkill {
    @Tool(name = "schedule_follow_up", value = "Run an extra tick after some seconds, with a reason.")
    public String schedule(
            @P("seconds from now, 1 to 604800") long seconds, @P("why") String reason, CallContext context) {
        if (seconds < 1 || seconds > 604_800) {
            throw new IllegalArgumentException("seconds must be 1 to 604800, not " + seconds);
        }
        context.scheduleFollowUp(Duration.ofSeconds(seconds), reason);
        return "follow-up in " + seconds + " s: " + reason;
    }
}
