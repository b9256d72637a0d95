using System.CommandLine;
using DhtRpc.Storage.Client;

namespace DhtRpc.Cli;

/// <summary>`dht put FILE|-`: stores any bytes (large values are chunked); prints the hash last.</summary>
internal static class PutCommand
{
    public static Command Create()
    {
        var file = new Argument<string>("FILE") { Description = "The file to store, or - for standard input." };
        var client = new ClientOptions();
        var command = new Command("put", "Store a file (any size, chunked when large); prints the replica count, then the hash.")
        {
            file,
        };
        client.AddTo(command);
        command.SetAction((result, cancellationToken) => CliRunner.RunAsync(
            async stop =>
            {
                var path = result.GetValue(file)!;
                var bytes = await ReadAsync(path, stop).ConfigureAwait(false);
                await using var node = await client.ConnectAsync(result, stop).ConfigureAwait(false);
                var storage = new DhtStorageClient(node);
                var blockSize = PutOptions.Default.BlockSize;
                PutResult put;
                if (bytes.Length <= blockSize)
                {
                    put = await storage.PutAsync(bytes, null, stop).ConfigureAwait(false);
                }
                else
                {
                    put = await Ui.WithProgressAsync($"storing {bytes.Length} bytes", report =>
                        storage.PutAsync(bytes, new PutOptions { Progress = new Progress(report) }, stop)).ConfigureAwait(false);
                }

                return PutJsonCommand.Report(put, result.GetValue(client.Json));
            },
            cancellationToken));
        return command;
    }

    private static async Task<byte[]> ReadAsync(string path, CancellationToken cancellationToken)
    {
        if (path == "-")
        {
            using var input = Console.OpenStandardInput();
            using var buffer = new MemoryStream();
            await input.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
            return buffer.ToArray();
        }

        CommonOptions.CheckInputFile(path);

        return await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Forwards block counts to a progress callback synchronously (no context hop).</summary>
    private sealed class Progress(Action<double, double> report) : IProgress<(int Done, int Total)>
    {
        public void Report((int Done, int Total) value) => report(value.Done, value.Total);
    }
}
