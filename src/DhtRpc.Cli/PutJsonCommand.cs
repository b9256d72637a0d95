using System.CommandLine;
using System.Text;
using DhtRpc.Storage.Client;
using DhtRpc.Storage.Json;

namespace DhtRpc.Cli;

/// <summary>`dht put-json FILE`: stores a JSON document exactly as JavaScript would serialise it; prints the hash last.</summary>
internal static class PutJsonCommand
{
    public static Command Create()
    {
        var file = new Argument<string>("FILE") { Description = "The JSON file to store." };
        var client = new ClientOptions();
        var command = new Command("put-json", "Store a JSON file as JSON.stringify(JSON.parse(file)); prints the replica count, then the hash.")
        {
            file,
        };
        client.AddTo(command);
        command.SetAction((result, cancellationToken) => CliRunner.RunAsync(
            async stop =>
            {
                var path = result.GetValue(file)!;
                var normalized = ReadJson(path);
                await using var node = await client.ConnectAsync(result, stop).ConfigureAwait(false);
                var storage = new DhtStorageClient(node);
                var put = await storage.PutJsonAsync(normalized, null, stop).ConfigureAwait(false);
                return Report(put, result.GetValue(client.Json));
            },
            cancellationToken));
        return command;
    }

    /// <summary>Reads a file as UTF-8 (a BOM is kept, as JavaScript keeps it) and normalises it; one sentence on failure.</summary>
    public static string ReadJson(string path)
    {
        CommonOptions.CheckInputFile(path);

        var text = Encoding.UTF8.GetString(File.ReadAllBytes(path));
        if (!JsJson.TryNormalize(text, out var normalized, out var error))
        {
            throw new CliException($"'{path}' is not valid JSON: {error}", CliFailure.InvalidData);
        }

        return normalized;
    }

    /// <summary>Prints a put's outcome; the hash is the last line. Zero replicas is a failure.</summary>
    public static int Report(PutResult put, bool json)
    {
        var hash = put.Key.ToString();
        if (json)
        {
            JsonLine.Print(w =>
            {
                w.WriteStartObject();
                w.WriteString("hash", hash);
                w.WriteNumber("replicas", put.Replicas);
                w.WriteNumber("size", put.Size);
                w.WriteNumber("blocks", put.Blocks);
                w.WriteEndObject();
            });
        }
        else
        {
            Console.WriteLine($"stored {put.Size} bytes{(put.Blocks > 1 ? $" in {put.Blocks} blocks" : "")} on {put.Replicas} node{(put.Replicas == 1 ? "" : "s")}");
            Console.WriteLine(hash);
        }

        if (put.Replicas == 0)
        {
            Console.Error.WriteLine("No node acknowledged storing the value.");
            return CliRunner.Failure;
        }

        return CliRunner.Ok;
    }
}
