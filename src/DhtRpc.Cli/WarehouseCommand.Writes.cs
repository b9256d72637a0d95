using System.CommandLine;
using System.Text;
using DhtRpc.Storage.Client;
using DhtRpc.Wire;

namespace DhtRpc.Cli;

/// <summary>`dht warehouse store` and `delete`: signed with the user's identity (104, 105) unless --unsigned (100, 103).</summary>
internal static partial class WarehouseCommand
{
    private static Command Store()
    {
        var key = new Argument<string>("KEY") { Description = "The item's name; it is stored under sha256(KEY)." };
        var value = new Argument<string?>("VALUE") { Description = "The value (text); or give --file.", Arity = ArgumentArity.ZeroOrOne };
        var file = new Option<string?>("--file") { Description = "Read the value from this file instead of VALUE (its bytes as they are; - reads standard input)." };
        var redundancy = new Option<int>("--redundancy") { Description = "How many of the closest warehouses to store on.", DefaultValueFactory = _ => 3 };
        var unsigned = new Option<bool>("--unsigned") { Description = "Store a first-come item owned by your IP address (command 100, as the study's warehouses do) instead of one signed with your identity (104)." };
        var identity = IdentityCommand.IdentityOption();
        var location = LocationOption("the copies go to the nearest of the warehouses closest to sha256(KEY)");
        var (command, client, node) = Verb("store", "Store VALUE under KEY on the closest warehouses (or on --node), signed with your identity.", key, value);
        command.Options.Add(file);
        command.Options.Add(redundancy);
        command.Options.Add(unsigned);
        command.Options.Add(identity);
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
                var bytes = await ValueBytesAsync(result.GetValue(value), result.GetValue(file), stop).ConfigureAwait(false);
                if (bytes.Length > MaxDatagramValue)
                {
                    throw TooLarge(bytes.Length);
                }

                var k = result.GetValue(key)!;
                using var me = await SignerAsync(result, unsigned, identity).ConfigureAwait(false);
                await using var dht = await client.ConnectAsync(result, stop, named).ConfigureAwait(false);
                var warehouses = new WarehouseClient(dht);
                ulong? sequence = null;
                WarehouseStoreResult stored;
                var (nearest, located) = tag is null ? ([], []) : await ChooseNearestAsync(warehouses, k, tag, r, stop).ConfigureAwait(false);
                if (me is null)
                {
                    stored = named is { } one
                        ? await warehouses.StoreOnAsync(k, bytes, one, stop).ConfigureAwait(false)
                        : tag is not null
                            ? await warehouses.StoreOnEachAsync(k, bytes, nearest, stop).ConfigureAwait(false)
                            : await warehouses.StoreAsync(k, bytes, r, stop).ConfigureAwait(false);
                }
                else
                {
                    var seq = (await ReadForSequenceAsync(warehouses, k, named, r, stop).ConfigureAwait(false)).NextSequence(DateTimeOffset.UtcNow);
                    sequence = seq;
                    stored = named is { } one
                        ? await warehouses.StoreSignedOnAsync(me.Key, k, bytes, seq, one, stop).ConfigureAwait(false)
                        : tag is not null
                            ? await warehouses.StoreSignedOnEachAsync(me.Key, k, bytes, seq, nearest, stop).ConfigureAwait(false)
                            : await warehouses.StoreSignedAsync(me.Key, k, bytes, seq, r, stop).ConfigureAwait(false);
                }

                var notStored = stored.StoredOn.Count > 0 ? null : NotStored(k, stored, signed: me is not null);
                if (notStored is null)
                {
                    NameBook.Remember(k);
                }

                if (result.GetValue(client.Json))
                {
                    JsonLine.Print(w =>
                    {
                        w.WriteStartObject();
                        if (notStored is not null)
                        {
                            CliFailure.WriteError(w, stored.Failures.Count > 0 ? CliFailure.Refused : CliFailure.Unreachable, notStored);
                        }

                        w.WriteString("key", k);
                        w.WriteString("target", stored.Target.ToString());
                        w.WriteBoolean("signed", me is not null);
                        if (me is not null)
                        {
                            w.WriteString("owner", me.PublicKeyHex);
                            w.WriteNumber("sequence", sequence!.Value);
                        }

                        JsonLine.WriteStrings(w, "storedOn", stored.StoredOn.Select(e => e.ToString()));
                        JsonLine.WriteStrings(w, "failures", stored.Failures);
                        w.WriteEndObject();
                    });
                }
                else
                {
                    foreach (var failure in stored.StoredOn.Count > 0 ? stored.Failures : [])
                    {
                        await Console.Error.WriteLineAsync(failure).ConfigureAwait(false);
                    }

                    var how = me is null ? "unsigned" : $"signed by {me.PublicKeyHex}, sequence {sequence}";
                    Console.WriteLine($"stored '{k}' ({bytes.Length} bytes, {how}) on {stored.StoredOn.Count} warehouse{(stored.StoredOn.Count == 1 ? "" : "s")}: {string.Join(", ", stored.StoredOn.Select(e => Where(e, located)))}");
                    Console.WriteLine(stored.Target);
                }

                return notStored is null ? CliRunner.Ok : Fail(notStored);
            },
            cancellationToken));
        return command;
    }

    private static Command Delete()
    {
        var key = new Argument<string>("KEY") { Description = "The item's name." };
        var unsigned = new Option<bool>("--unsigned") { Description = "Delete a first-come item owned by your IP address (command 103) instead of one signed with your identity (105)." };
        var identity = IdentityCommand.IdentityOption();
        var (command, client, node) = Verb("delete", "Delete KEY from --node, or from every warehouse near it that holds it, proving ownership with your identity.", key);
        command.Options.Add(unsigned);
        command.Options.Add(identity);
        command.SetAction((result, cancellationToken) => CliRunner.RunAsync(
            async stop =>
            {
                var named = NamedNode(result, node);
                var k = result.GetValue(key)!;
                using var me = await SignerAsync(result, unsigned, identity).ConfigureAwait(false);
                await using var dht = await client.ConnectAsync(result, stop, named).ConfigureAwait(false);
                var warehouses = new WarehouseClient(dht);
                var sequence = me is null ? 0 : (await ReadForSequenceAsync(warehouses, k, named, 3, stop).ConfigureAwait(false)).NextSequence(DateTimeOffset.UtcNow);
                var outcomes = named is { } one
                    ? [me is null
                        ? await warehouses.DeleteFromAsync(k, one, stop).ConfigureAwait(false)
                        : await warehouses.DeleteSignedFromAsync(me.Key, k, sequence, one, stop).ConfigureAwait(false)]
                    : (me is null
                        ? await warehouses.DeleteAsync(k, stop).ConfigureAwait(false)
                        : await warehouses.DeleteSignedAsync(me.Key, k, sequence, stop).ConfigureAwait(false)).Outcomes;
                var deleted = outcomes.Where(o => o.Status == WarehouseDeleteStatus.Deleted).Select(o => o.Warehouse).ToList();
                var refusals = outcomes.Where(o => o.IsFailure).Select(o => o.Reason!).ToList();
                if (deleted.Count == 0 && refusals.Count > 0)
                {
                    throw new CliException(refusals[0], CliFailure.Refused);
                }

                var absent = deleted.Count > 0 ? null : NotHeld(k, named);
                if (result.GetValue(client.Json))
                {
                    JsonLine.Print(w =>
                    {
                        w.WriteStartObject();
                        if (absent is not null)
                        {
                            CliFailure.WriteError(w, CliFailure.NotFound, absent);
                        }

                        w.WriteString("key", k);
                        w.WriteBoolean("signed", me is not null);
                        JsonLine.WriteStrings(w, "deletedFrom", deleted.Select(d => d.ToString()));
                        JsonLine.WriteStrings(w, "refusals", refusals);
                        w.WriteEndObject();
                    });
                }
                else if (deleted.Count > 0)
                {
                    foreach (var refusal in refusals)
                    {
                        await Console.Error.WriteLineAsync(refusal).ConfigureAwait(false);
                    }

                    Console.WriteLine($"deleted '{k}' from {deleted.Count} warehouse{(deleted.Count == 1 ? "" : "s")}: {string.Join(", ", deleted)}");
                }

                return absent is null ? CliRunner.Ok : Fail(absent);
            },
            cancellationToken));
        return command;
    }

    /// <summary>The identity to sign with, or null with --unsigned (which --identity cannot go with).</summary>
    /// <summary>The value to store: VALUE as UTF-8, or the bytes of --file (- for standard input); exactly one of them.</summary>
    private static async Task<byte[]> ValueBytesAsync(string? text, string? path, CancellationToken stop)
    {
        if ((text is null) == (path is null))
        {
            throw new UsageException(text is null ? "Give the value to store: VALUE, or --file FILE (- for standard input)." : "Give VALUE or --file, not both.");
        }

        if (text is not null)
        {
            return Encoding.UTF8.GetBytes(text);
        }

        // Read one byte past the limit at most: enough for the caller to say it is too large.
        if (path == "-")
        {
            using var input = Console.OpenStandardInput();
            var buffer = new byte[MaxDatagramValue + 1];
            var length = 0;
            for (int read; length < buffer.Length && (read = await input.ReadAsync(buffer.AsMemory(length), stop).ConfigureAwait(false)) > 0;)
            {
                length += read;
            }

            return buffer[..length];
        }

        CommonOptions.CheckInputFile(path!);
        if (new FileInfo(path!).Length is var size && size > MaxDatagramValue)
        {
            throw TooLarge(size);
        }

        return await File.ReadAllBytesAsync(path!, stop).ConfigureAwait(false);
    }

    private static UsageException TooLarge(long bytes) =>
        new($"The value is {bytes} bytes, but a warehouse value travels in one UDP datagram and must stay under {MaxDatagramValue} bytes (nodes accept 60000 by default); use `dht put` for large values.");

    private static async Task<Identity?> SignerAsync(ParseResult result, Option<bool> unsigned, Option<string?> identity)
    {
        if (result.GetValue(unsigned))
        {
            return result.GetValue(identity) is null ? null : throw new UsageException("--identity names a key to sign with; it cannot go with --unsigned.");
        }

        var me = Identity.LoadOrCreate(result.GetValue(identity));
        if (me.CreatedNote() is { } note)
        {
            await Console.Error.WriteLineAsync(note).ConfigureAwait(false);
        }

        return me;
    }

    /// <summary>What the holders (or the named node) report, for the sequence of a signed write; nothing when the read fails.</summary>
    private static async Task<WarehouseRead> ReadForSequenceAsync(WarehouseClient warehouses, string key, Ipv4Endpoint? named, int redundancy, CancellationToken stop)
    {
        try
        {
            return named is { } one
                ? await warehouses.ReadFromAsync(key, one, stop).ConfigureAwait(false)
                : await warehouses.ReadAsync(key, redundancy, cancellationToken: stop).ConfigureAwait(false);
        }
        catch (Exception e) when (e is DhtException or StorageRefusedException)
        {
            return new WarehouseRead { Target = WarehouseClient.TargetOf(key), Values = [] };
        }
    }

    /// <summary>Why nothing was stored, with a hint when every warehouse asked did not know signed items.</summary>
    private static string NotStored(string key, WarehouseStoreResult stored, bool signed)
    {
        if (stored.Failures.Count == 0)
        {
            return $"No warehouse was found to store '{key}'.";
        }

        var unknown = signed && stored.Failures.All(f => f.EndsWith($"(error {ErrorCodes.UnknownCommand}).", StringComparison.Ordinal));
        return $"No warehouse stored '{key}': {stored.Failures[0]}" + (unknown ? " These warehouses do not know signed items; --unsigned stores the study's kind." : "");
    }
}
