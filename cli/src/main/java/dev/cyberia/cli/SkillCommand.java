package dev.cyberia.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cyberia.agentcore.ToolDescriptor;
import dev.cyberia.tools.InvalidSkillException;
import dev.cyberia.tools.SkillJars;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "skill",
        description = "Check skill jars, install them where nodes find them, and list what is installed.",
        subcommands = {SkillCommand.Check.class, SkillCommand.Install.class, SkillCommand.ListInstalled.class})
final class SkillCommand extends CommandGroup {

    private static Path skillsDir(Subcommand command) {
        return command.root().home().resolve("skills");
    }

    /** The report as JSON and as text: the tools with their side effects, tiers and prices, then the problems. */
    private static void report(Subcommand command, SkillJars.Report r, String verdict) {
        ObjectNode json = Json.object();
        json.put("jar", r.jar().toString());
        json.put("installable", r.installable());
        ArrayNode tools = json.putArray("tools");
        StringBuilder text = new StringBuilder(r.jar().getFileName() + ": " + verdict);
        for (SkillJars.Found f : r.tools()) {
            ToolDescriptor d = f.tool();
            ObjectNode t = tools.addObject();
            t.put("name", d.name());
            t.put("class", f.className());
            t.put("sideEffect", d.sideEffect().name());
            t.put("minTier", d.minTier().name());
            t.put("approvalRequired", d.approvalRequired());
            t.put("price", f.price());
            ArrayNode params = t.putArray("parameters");
            d.parameters()
                    .forEach(p -> params.add(p.name() + ":" + p.type().name().toLowerCase(java.util.Locale.ROOT)));
            text.append(System.lineSeparator())
                    .append("  ")
                    .append(d.name())
                    .append('(')
                    .append(String.join(
                            ", ",
                            d.parameters().stream()
                                    .map(p -> p.name() + ": " + p.type().name().toLowerCase(java.util.Locale.ROOT))
                                    .toList()))
                    .append(")  ")
                    .append(d.sideEffect())
                    .append(", from ")
                    .append(d.minTier())
                    .append(d.approvalRequired() ? ", needs approval" : "")
                    .append(f.price().isEmpty() ? "" : ", sold at " + f.price())
                    .append("  [")
                    .append(f.className())
                    .append(']');
        }
        ArrayNode problems = json.putArray("problems");
        for (String p : r.problems()) {
            problems.add(p);
            text.append(System.lineSeparator()).append("  problem: ").append(p);
        }
        command.print(json, text.toString());
    }

    @Command(
            name = "check",
            mixinStandardHelpOptions = true,
            description = "Check a skill jar; exit 2 when it has problems.")
    static final class Check extends Subcommand {
        @Parameters(paramLabel = "JAR")
        Path jar;

        @Override
        public Integer call() {
            SkillJars.Report r = SkillJars.check(jar, skillsDir(this));
            report(this, r, r.installable() ? "ok, " + r.tools().size() + " tools" : "NOT installable");
            return r.installable() ? 0 : 2;
        }
    }

    @Command(
            name = "install",
            mixinStandardHelpOptions = true,
            description = "Check a skill jar and copy it into HOME/skills, where nodes find it for the agents that"
                    + " name its skills (a running node too, at their next load).")
    static final class Install extends Subcommand {
        @Parameters(paramLabel = "JAR")
        Path jar;

        @Option(names = "--replace", description = "Install over an installed jar of the same file name.")
        boolean replace;

        @Override
        public Integer call() {
            SkillJars.Report r = SkillJars.check(jar, skillsDir(this));
            if (!r.installable()) {
                report(this, r, "NOT installed");
                return 2;
            }
            Path installed;
            try {
                installed = SkillJars.install(jar, skillsDir(this), replace);
            } catch (InvalidSkillException e) {
                throw new CliInputException(e.getMessage());
            }
            report(
                    this,
                    r,
                    "installed as " + installed + "; name its classes (or its SkillPack) under 'skills:'"
                            + " in an agent.yaml");
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "The installed skill jars and their tools.")
    static final class ListInstalled extends Subcommand {
        @Override
        public Integer call() {
            ObjectNode json = Json.object();
            ArrayNode jars = json.putArray("jars");
            StringBuilder text = new StringBuilder();
            for (Path jar : SkillJars.installed(skillsDir(this))) {
                SkillJars.Report r = SkillJars.check(jar, Path.of("/nonexistent-skills-dir"));
                ObjectNode j = jars.addObject();
                j.put("jar", jar.getFileName().toString());
                ArrayNode tools = j.putArray("tools");
                r.tools().forEach(f -> tools.add(f.tool().name()));
                text.append(jar.getFileName())
                        .append(": ")
                        .append(String.join(
                                ", ",
                                r.tools().stream().map(f -> f.tool().name()).toList()))
                        .append(r.installable() ? "" : " (problems: " + String.join("; ", r.problems()) + ")")
                        .append(System.lineSeparator());
            }
            print(
                    json,
                    text.isEmpty()
                            ? "no skill jars in " + skillsDir(this)
                            : text.toString().strip());
            return 0;
        }
    }
}
