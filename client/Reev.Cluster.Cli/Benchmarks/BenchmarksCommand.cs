using System.CommandLine;
using System.Globalization;
using Reev.Cluster.Cli.CommandLine;
using Reev.Cluster.Cli.Output;
using Reev.Cluster.Flows.FlowFiles;
using Spectre.Console;

namespace Reev.Cluster.Cli.Benchmarks;

/// <summary><c>reev benchmarks [--dir DIR]</c>: lists the flow files of a directory with id, steps and description.</summary>
internal static class BenchmarksCommand
{
    public static Command Create(ReevCommandLine cli)
    {
        var dir = new Option<string?>("--dir") { Description = "Directory of flow files (default: ../shared/benchmarks beside the repository).", HelpName = "DIR" };
        var command = new Command("benchmarks", "List flow files with their id, steps and description.") { dir };
        command.SetAction(parse =>
        {
            using var owned = cli.CreateContext(parse);
            return Execute(owned.Context, parse.GetValue(dir));
        });
        return command;
    }

    private static int Execute(CliContext cli, string? explicitDirectory)
    {
        var directory = BenchmarkDirectory.Locate(explicitDirectory);
        if (directory is null)
        {
            return cli.Fail(new CliError("benchmarks_not_found", "no benchmarks directory found (looked at REEV_BENCHMARKS and ../shared/benchmarks beside the repository); pass --dir"));
        }

        if (!Directory.Exists(directory))
        {
            return cli.Fail(new CliError("benchmarks_not_found", $"directory not found: {directory}"));
        }

        var entries = Directory.EnumerateFiles(directory)
            .Where(static f => f.EndsWith(".yml", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase))
            .Order(StringComparer.Ordinal)
            .Select(static f => (File: Path.GetFileName(f), Result: FlowFileLoader.Load(f, Path.GetFileName(f))))
            .ToList();
        if (cli.Json)
        {
            CliJson.WriteObject(cli.Output, w =>
            {
                w.WriteString("directory", directory);
                w.WriteStartArray("benchmarks");
                foreach (var (file, result) in entries)
                {
                    w.WriteStartObject();
                    w.WriteString("file", file);
                    w.WriteStringOrNull("id", result.Document?.Id);
                    if (result.Document is { } document)
                    {
                        w.WriteNumber("steps", document.StepCount);
                    }
                    else
                    {
                        w.WriteNull("steps");
                    }

                    w.WriteStringOrNull("description", result.Document?.Description);
                    w.WriteStringOrNull("error", result.Error?.ToString());
                    w.WriteEndObject();
                }

                w.WriteEndArray();
            });
            return ExitCodes.Passed;
        }

        var table = new Table().Border(TableBorder.Rounded).Title(Markup.Escape(directory));
        table.AddColumns("id", "steps", "description");
        foreach (var (file, result) in entries)
        {
            if (result.Document is { } document)
            {
                table.AddRow(Markup.Escape(document.Id), document.StepCount.ToString(CultureInfo.InvariantCulture), Markup.Escape(document.Description.Trim()));
            }
            else
            {
                table.AddRow(Markup.Escape(file), "-", $"[red]{Markup.Escape(result.Error?.ToString() ?? "unreadable")}[/]");
            }
        }

        cli.Console.Write(table);
        cli.Console.MarkupLine(string.Create(CultureInfo.InvariantCulture, $"{entries.Count} flow file(s)"));
        return ExitCodes.Passed;
    }
}
