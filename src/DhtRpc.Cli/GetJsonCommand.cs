using System.CommandLine;
using DhtRpc.Storage.Client;
using DhtRpc.Storage.Json;

namespace DhtRpc.Cli;

/// <summary>`dht get-json HASH [OUT]`: fetches JSON by hash, verifies it, prints it indented (or writes OUT).</summary>
internal static class GetJsonCommand
{
    public static Command Create()
    {
        var hash = new Argument<string>("HASH") { Description = "The 64-character hex hash put-json printed." };
        var output = new Argument<string?>("OUT") { Description = "Write the JSON to this file instead of printing it.", Arity = ArgumentArity.ZeroOrOne };
        var client = new ClientOptions();
        var command = new Command("get-json", "Fetch JSON by hash (verified against the hash) and print it indented.")
        {
            hash,
            output,
        };
        client.AddTo(command);
        command.SetAction((result, cancellationToken) => CliRunner.RunAsync(
            async stop =>
            {
                var text = result.GetValue(hash)!;
                var key = CommonOptions.ParseHash(text);
                var outPath = result.GetValue(output);
                await using var node = await client.ConnectAsync(result, stop).ConfigureAwait(false);
                var storage = new DhtStorageClient(node);
                var bytes = await storage.GetAsync(key, null, stop).ConfigureAwait(false)
                    ?? throw new CliException($"No node holds {key}.", CliFailure.NotFound);
                string compact;
                try
                {
                    compact = new System.Text.UTF8Encoding(false, true).GetString(bytes);
                }
                catch (System.Text.DecoderFallbackException)
                {
                    throw new CliException($"The value stored under {key} is not UTF-8 text, so it is not JSON (use `dht get`).", CliFailure.InvalidData);
                }

                if (!JsJson.TryNormalize(compact, out _, out var error))
                {
                    throw new CliException($"The value stored under {key} is not JSON ({error}); use `dht get` for raw bytes.", CliFailure.InvalidData);
                }

                if (result.GetValue(client.Json))
                {
                    // One line like every verb's --json: the document inside it, or the file it went to.
                    if (outPath is not null)
                    {
                        await File.WriteAllTextAsync(outPath, compact + "\n", stop).ConfigureAwait(false);
                    }

                    JsonLine.Print(w =>
                    {
                        w.WriteStartObject();
                        w.WriteString("hash", key.ToString());
                        w.WriteNumber("size", bytes.Length);
                        w.WriteString("file", outPath);
                        w.WritePropertyName("document");
                        if (outPath is null)
                        {
                            w.WriteRawValue(compact);
                        }
                        else
                        {
                            w.WriteNullValue();
                        }

                        w.WriteEndObject();
                    });
                    return CliRunner.Ok;
                }

                var shown = JsJson.Indent(compact);
                if (outPath is null)
                {
                    Console.WriteLine(shown);
                }
                else
                {
                    await File.WriteAllTextAsync(outPath, shown + "\n", stop).ConfigureAwait(false);
                    await Console.Error.WriteLineAsync($"wrote {outPath}").ConfigureAwait(false);
                }

                return CliRunner.Ok;
            },
            cancellationToken));
        return command;
    }
}
