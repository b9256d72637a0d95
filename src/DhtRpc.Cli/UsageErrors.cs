using System.Text.RegularExpressions;

namespace DhtRpc.Cli;

/// <summary>Parse errors in words a user reads: no .NET type names.</summary>
internal static partial class UsageErrors
{
    /// <summary>"Cannot parse argument 'abc' for option '--nodes' as expected type 'System.Int32'." becomes "--nodes takes a whole number; 'abc' is not one."</summary>
    public static string Plain(string message)
    {
        var match = TypeMismatch().Match(message);
        if (!match.Success)
        {
            return message;
        }

        var kind = match.Groups["type"].Value switch
        {
            "System.Int32" or "System.Int64" or "System.UInt16" or "System.UInt32" or "System.UInt64" => "a whole number",
            "System.Double" or "System.Single" or "System.Decimal" => "a number",
            "System.TimeSpan" => "a duration (for example 00:00:30)",
            "System.Boolean" => "true or false",
            _ => "a value of another kind",
        };
        return $"{match.Groups["option"].Value} takes {kind}; '{match.Groups["value"].Value}' is not one.";
    }

    [GeneratedRegex(@"^Cannot parse argument '(?<value>.*)' for (option|argument) '(?<option>[^']+)' as expected type '(?<type>[^']+)'\.$")]
    private static partial Regex TypeMismatch();
}
