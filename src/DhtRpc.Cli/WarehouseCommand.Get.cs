using System.CommandLine;
using System.Text;
using DhtRpc.Storage.Client;

namespace DhtRpc.Cli;

/// <summary>
/// `dht warehouse get`: a verifiable read (108). The value goes to stdout; whether it is signed and by
/// which key, discarded forgeries and disagreement among holders go to stderr (all of it with --json).
/// </summary>
internal static partial class WarehouseCommand
{
    /// <summary>How much of another value a disagreement note shows.</summary>
    private const int PreviewLength = 40;

    private static Command Get()
    {
        var key = new Argument<string>("KEY") { Description = "The item's name." };
        var redundancy = new Option<int>("--redundancy") { Description = "How many holders to hear from (the store's redundancy).", DefaultValueFactory = _ => 3 };
        var (command, client, node) = Verb("get", "Read KEY from --node, or from the warehouses near it that hold it; signed values are verified.", key);
        var location = LocationOption("the warehouses near KEY are asked nearest first");
        command.Options.Add(redundancy);
        command.Options.Add(location);
        command.SetAction((result, cancellationToken) => CliRunner.RunAsync(
            async stop =>
            {
                var r = result.GetValue(redundancy);
                if (r is < 1 or > 20)
                {
                    throw new UsageException($"--redundancy must be between 1 and 20 (got {r}).");
                }

                var named = NamedNode(result, node);
                var tag = WantedLocation(result, location, named);
                var k = result.GetValue(key)!;
                await using var dht = await client.ConnectAsync(result, stop, named).ConfigureAwait(false);
                var warehouses = new WarehouseClient(dht);
                IReadOnlyList<LocatedWarehouse> located = tag is null ? [] : await warehouses.FindNearestWarehousesAsync(k, tag, stop).ConfigureAwait(false);
                var read = named is { } one
                    ? await warehouses.ReadFromAsync(k, one, stop).ConfigureAwait(false)
                    : tag is not null
                        ? await warehouses.ReadFromEachAsync(k, located.Select(w => w.Endpoint), r, stop).ConfigureAwait(false)
                        : await warehouses.ReadAsync(k, r, cancellationToken: stop).ConfigureAwait(false);
                var forged = read.Forgeries == 0 ? "" : $" {Count(read.Forgeries, "forged reply", "forged replies")} were discarded.";
                var missing = read.Answer is null ? NotHeld(k, named) + forged : null;
                if (result.GetValue(client.Json))
                {
                    PrintRead(k, read, missing);
                }
                else
                {
                    foreach (var note in Notes(read))
                    {
                        await Console.Error.WriteLineAsync(note).ConfigureAwait(false);
                    }

                    if (tag is not null && read.Answer is { } found && located.FirstOrDefault(w => found.Holders.Contains(w.Endpoint)) is { } nearest)
                    {
                        await Console.Error.WriteLineAsync(nearest.IsIn(tag)
                            ? $"nearest holder: {Where(nearest.Endpoint, located)}"
                            : $"no holder is tagged '{tag}'; the fastest holder: {Where(nearest.Endpoint, located)}").ConfigureAwait(false);
                    }
                }

                if (read.Answer is not { } answer)
                {
                    throw new CliException(missing!, CliFailure.NotFound);
                }

                if (!result.GetValue(client.Json))
                {
                    Console.WriteLine(Encoding.UTF8.GetString(answer.Value));
                }

                return CliRunner.Ok;
            },
            cancellationToken));
        return command;
    }

    /// <summary>The lines stderr gets about a read: how the answer is backed, forgeries, other values.</summary>
    private static IEnumerable<string> Notes(WarehouseRead read)
    {
        if (read.Answer is { } answer)
        {
            var holders = Count(answer.Holders.Count, "warehouse", "warehouses");
            yield return answer.Envelope is { } envelope
                ? $"signed by {Convert.ToHexStringLower(envelope.PublicKey)} (sequence {envelope.Sequence}), signature verified; held by {holders}"
                : answer.Verifiable
                    ? $"unsigned (owned by the address that stored it first); held by {holders}"
                    : $"unchecked: {holders} answered only the plain GET (101), which cannot say whether the item is signed";
        }

        if (read.Forgeries > 0)
        {
            yield return $"discarded {Count(read.Forgeries, "forged reply", "forged replies")} (signature does not verify) from {string.Join(", ", read.ForgedBy)}";
        }

        if (read.Unreadable > 0)
        {
            yield return $"{Count(read.Unreadable, "reply", "replies")} in a format this client does not read";
        }

        foreach (var other in read.Values.Skip(read.Answer is null ? 0 : 1))
        {
            var kind = other.Envelope is { } e ? $"signed by {Convert.ToHexStringLower(e.PublicKey)[..16]}..., sequence {e.Sequence}" : other.Verifiable ? "unsigned" : "unchecked";
            yield return $"holders disagree: {string.Join(", ", other.Holders)} answered '{Preview(other.Value)}' ({kind})";
        }
    }

    private static void PrintRead(string key, WarehouseRead read, string? missing) => JsonLine.Print(w =>
    {
        w.WriteStartObject();
        if (missing is not null)
        {
            CliFailure.WriteError(w, CliFailure.NotFound, missing);
        }

        w.WriteString("key", key);
        w.WriteString("target", read.Target.ToString());
        if (read.Answer is { } answer)
        {
            w.WriteString("value", Encoding.UTF8.GetString(answer.Value));
            w.WriteNumber("size", answer.Value.Length);
            w.WriteString("from", answer.Holders[0].ToString());
        }
        else
        {
            w.WriteNull("value");
        }

        w.WriteStartArray("values");
        foreach (var value in read.Values)
        {
            w.WriteStartObject();
            w.WriteString("value", Encoding.UTF8.GetString(value.Value));
            w.WriteBoolean("signed", value.IsSigned);
            w.WriteBoolean("verifiable", value.Verifiable);
            if (value.Envelope is { } envelope)
            {
                w.WriteString("owner", Convert.ToHexStringLower(envelope.PublicKey));
                w.WriteNumber("sequence", envelope.Sequence);
            }

            JsonLine.WriteStrings(w, "holders", value.Holders.Select(h => h.ToString()));
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteBoolean("disagreement", read.Disagreement);
        w.WriteNumber("forgeries", read.Forgeries);
        JsonLine.WriteStrings(w, "forgedBy", read.ForgedBy.Select(f => f.ToString()));
        w.WriteNumber("unreadable", read.Unreadable);
        w.WriteEndObject();
    });

    private static string Preview(byte[] value)
    {
        var text = Encoding.UTF8.GetString(value);
        return text.Length <= PreviewLength ? text : text[..PreviewLength] + "...";
    }

    private static string Count(int n, string one, string many) => $"{n} {(n == 1 ? one : many)}";
}
