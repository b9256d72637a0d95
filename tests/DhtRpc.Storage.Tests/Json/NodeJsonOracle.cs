using System.ComponentModel;
using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;

namespace DhtRpc.Storage.Tests.Json;

/// <summary>What Node returned for one input.</summary>
internal sealed record NodeJsonResult(bool Parsed, bool Stringified, string Compact, string Indented);

/// <summary>
/// Runs one Node process over a whole batch of inputs and returns, for each, the result of
/// <c>JSON.stringify(JSON.parse(x))</c> and <c>JSON.stringify(JSON.parse(x), null, 2)</c>, or that it was rejected.
/// </summary>
/// <remarks>
/// Inputs and outputs cross the process boundary as base64 of raw UTF-16LE code units, so lone surrogates
/// and every control character survive unchanged in both directions.
/// </remarks>
internal static class NodeJsonOracle
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(120);

    private const string Script = """
        import { readFileSync, writeFileSync } from 'node:fs';

        const lines = readFileSync(process.argv[2], 'latin1').split('\n').filter((l) => l.length > 0);
        const b64 = (s) => Buffer.from(s, 'utf16le').toString('base64');
        const out = [];
        for (const line of lines) {
          const text = Buffer.from(line.slice(1), 'base64').toString('utf16le');
          let parsed;
          try {
            parsed = JSON.parse(text);
          } catch {
            out.push('PARSE_ERROR');
            continue;
          }
          try {
            out.push('OK ' + b64(JSON.stringify(parsed)) + ' ' + b64(JSON.stringify(parsed, null, 2)));
          } catch {
            out.push('STRINGIFY_ERROR');
          }
        }
        writeFileSync(process.argv[3], out.join('\n') + '\n', 'latin1');

        """;

    public static async Task<IReadOnlyList<NodeJsonResult>> RunAsync(IReadOnlyList<string> inputs)
    {
        var dir = Path.Combine(Path.GetTempPath(), "jsjson-oracle-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            var scriptPath = Path.Combine(dir, "oracle.mjs");
            var inputPath = Path.Combine(dir, "inputs.txt");
            var outputPath = Path.Combine(dir, "outputs.txt");
            await File.WriteAllTextAsync(scriptPath, Script);
            var sb = new StringBuilder();
            foreach (var input in inputs)
            {
                // The leading marker keeps the line of an empty input from being empty.
                sb.Append('>').Append(ToBase64Utf16(input)).Append('\n');
            }

            await File.WriteAllTextAsync(inputPath, sb.ToString(), Encoding.ASCII);

            var psi = new ProcessStartInfo("node")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
                WorkingDirectory = dir,
            };
            psi.ArgumentList.Add(scriptPath);
            psi.ArgumentList.Add(inputPath);
            psi.ArgumentList.Add(outputPath);

            Process process;
            try
            {
                process = Process.Start(psi) ?? throw new InvalidOperationException("Process.Start returned null.");
            }
            catch (Win32Exception ex)
            {
                Assert.Fail(
                    "These tests compare against Node's JSON.parse/JSON.stringify and need the 'node' executable on PATH, "
                    + $"but it could not be started ({ex.Message}). Install Node.js (20 or later) to run them.");
                throw;
            }

            using (process)
            {
                var stdout = process.StandardOutput.ReadToEndAsync();
                var stderr = process.StandardError.ReadToEndAsync();
                using var cts = new CancellationTokenSource(Timeout);
                try
                {
                    await process.WaitForExitAsync(cts.Token);
                }
                catch (OperationCanceledException)
                {
                    process.Kill(entireProcessTree: true);
                    Assert.Fail($"node did not finish the batch of {inputs.Count} inputs within {Timeout.TotalSeconds} s.");
                }

                var err = await stderr;
                _ = await stdout;
                if (process.ExitCode != 0)
                {
                    Assert.Fail($"node exited with code {process.ExitCode}: {err}");
                }
            }

            var lines = (await File.ReadAllTextAsync(outputPath, Encoding.ASCII))
                .Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal(inputs.Count, lines.Length);
            var results = new List<NodeJsonResult>(lines.Length);
            foreach (var line in lines)
            {
                if (line == "PARSE_ERROR")
                {
                    results.Add(new NodeJsonResult(false, false, "", ""));
                }
                else if (line == "STRINGIFY_ERROR")
                {
                    results.Add(new NodeJsonResult(true, false, "", ""));
                }
                else
                {
                    var parts = line.Split(' ');
                    Assert.Equal(3, parts.Length);
                    Assert.Equal("OK", parts[0]);
                    results.Add(new NodeJsonResult(true, true, FromBase64Utf16(parts[1]), FromBase64Utf16(parts[2])));
                }
            }

            return results;
        }
        finally
        {
            try
            {
                Directory.Delete(dir, recursive: true);
            }
            catch (IOException)
            {
                // Leaving a temp directory behind is harmless.
            }
        }
    }

    // Raw code units, not Encoding.Unicode: that encoder would replace lone surrogates with U+FFFD.
    private static string ToBase64Utf16(string s)
    {
        Assert.True(BitConverter.IsLittleEndian);
        return Convert.ToBase64String(MemoryMarshal.AsBytes(s.AsSpan()));
    }

    private static string FromBase64Utf16(string b64)
    {
        var bytes = Convert.FromBase64String(b64);
        return new string(MemoryMarshal.Cast<byte, char>(bytes));
    }
}
