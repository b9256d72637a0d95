using System.CommandLine;
using DhtRpc.Storage.Chunking;
using DhtRpc.Storage.Client;

namespace DhtRpc.Cli;

/// <summary>`dht get HASH [OUT]`: fetches a value by hash, verifying every block; writes it to stdout or OUT.</summary>
internal static class GetCommand
{
    public static Command Create()
    {
        var hash = new Argument<string>("HASH") { Description = "The 64-character hex hash put printed." };
        var output = new Argument<string?>("OUT") { Description = "Write the value to this file instead of standard output.", Arity = ArgumentArity.ZeroOrOne };
        var client = new ClientOptions();
        var command = new Command("get", "Fetch a value by hash (every block verified) to standard output or OUT.")
        {
            hash,
            output,
        };
        client.AddTo(command);
        command.SetAction((result, cancellationToken) => CliRunner.RunAsync(
            async stop =>
            {
                var key = CommonOptions.ParseHash(result.GetValue(hash)!);
                var outPath = result.GetValue(output);
                var json = result.GetValue(client.Json);
                await using var node = await client.ConnectAsync(result, stop).ConfigureAwait(false);
                var storage = new DhtStorageClient(node);
                var bytes = await Ui.WithProgressAsync("fetching", report =>
                        storage.GetAsync(key, new FetchOptions { Progress = new Progress(report) }, stop)).ConfigureAwait(false)
                    ?? throw new CliException($"No node holds {key}.", CliFailure.NotFound);
                if (outPath is not null)
                {
                    await File.WriteAllBytesAsync(outPath, bytes, stop).ConfigureAwait(false);
                }

                if (json)
                {
                    JsonLine.Print(w =>
                    {
                        w.WriteStartObject();
                        w.WriteString("hash", key.ToString());
                        w.WriteNumber("size", bytes.Length);
                        w.WriteString("file", outPath);
                        w.WriteString("base64", outPath is null ? Convert.ToBase64String(bytes) : null);
                        w.WriteEndObject();
                    });
                }
                else if (outPath is null)
                {
                    using var stdout = Console.OpenStandardOutput();
                    await stdout.WriteAsync(bytes, stop).ConfigureAwait(false);
                    await stdout.FlushAsync(stop).ConfigureAwait(false);
                }
                else
                {
                    await Console.Error.WriteLineAsync($"wrote {bytes.Length} bytes to {outPath}").ConfigureAwait(false);
                }

                return CliRunner.Ok;
            },
            cancellationToken));
        return command;
    }

    private sealed class Progress(Action<double, double> report) : IProgress<(long Fetched, long Total)>
    {
        public void Report((long Fetched, long Total) value)
        {
            // A value that fits one block arrives at once: no progress worth showing.
            if (value.Total > PutOptions.Default.BlockSize)
            {
                report(value.Fetched, value.Total);
            }
        }
    }
}
