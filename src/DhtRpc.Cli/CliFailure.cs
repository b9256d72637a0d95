namespace DhtRpc.Cli;

/// <summary>
/// How a verb's failure is told: one sentence on stderr, and with --json also one JSON line on stdout,
/// <c>{"error":{"code":"…","message":"…"}}</c>, unless the verb already printed its own line carrying
/// an <c>error</c> field. The codes are listed in docs/cli-json.md.
/// </summary>
internal static class CliFailure
{
    /// <summary>How the verb was called (exit 2).</summary>
    public const string Usage = "usage";

    /// <summary>What was asked for is not on the network (or not on the named node).</summary>
    public const string NotFound = "not-found";

    /// <summary>A node, the bootstrap or the network did not answer.</summary>
    public const string Unreachable = "unreachable";

    /// <summary>--timeout passed before the verb was done.</summary>
    public const string Timeout = "timeout";

    /// <summary>A node refused the request (quota, ownership, signature, size).</summary>
    public const string Refused = "refused";

    /// <summary>What was found or given is not what it should be (not JSON, corrupt, incomplete, another format).</summary>
    public const string InvalidData = "invalid-data";

    /// <summary>A local file, folder or port could not be used.</summary>
    public const string Io = "io";

    /// <summary>Ctrl-C, SIGINT or SIGTERM stopped the verb.</summary>
    public const string Cancelled = "cancelled";

    /// <summary>Anything else.</summary>
    public const string Failed = "failed";

    /// <summary>True when the command line asked for --json (set once, before the verb runs).</summary>
    public static bool Json { get; set; }

    /// <summary>Says what failed and returns <paramref name="exitCode"/>.</summary>
    public static async Task<int> ReportAsync(string message, string code, int exitCode)
    {
        await Console.Error.WriteLineAsync(message).ConfigureAwait(false);
        if (Json && !JsonLine.Printed)
        {
            JsonLine.Print(w => WriteError(w, code, message));
        }

        return exitCode;
    }

    /// <summary>The <c>"error": {"code", "message"}</c> field, for verbs whose own line reports a failure.</summary>
    public static void WriteError(System.Text.Json.Utf8JsonWriter json, string code, string message)
    {
        ArgumentNullException.ThrowIfNull(json);
        var top = json.CurrentDepth == 0;
        if (top)
        {
            json.WriteStartObject();
        }

        json.WriteStartObject("error");
        json.WriteString("code", code);
        json.WriteString("message", message);
        json.WriteEndObject();
        if (top)
        {
            json.WriteEndObject();
        }
    }
}
