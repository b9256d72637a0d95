using BenchmarkDotNet.Attributes;
using DhtRpc.Wire;

namespace DhtRpc.Benchmarks;

/// <summary>Encode and decode of each message kind, into and from reused buffers.</summary>
[MemoryDiagnoser]
public class CodecBenchmarks
{
    private static readonly Ipv4Endpoint To = new(0x7F000001, 49737);
    private readonly byte[] _id = new byte[32];
    private readonly byte[] _token = new byte[32];
    private readonly byte[] _target = new byte[32];
    private readonly byte[] _value = new byte[100];
    private readonly byte[] _closer = new byte[20 * Ipv4Endpoint.EncodedSize];
    private readonly byte[] _buffer = new byte[2048];
    private byte[] _pingRequest = [];
    private byte[] _pingReply = [];
    private byte[] _findNodeRequest = [];
    private byte[] _findNodeReply = [];
    private byte[] _userRequest = [];
    private byte[] _errorReply = [];

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(1);
        random.NextBytes(_id);
        random.NextBytes(_token);
        random.NextBytes(_target);
        random.NextBytes(_value);
        random.NextBytes(_closer);
        _pingRequest = PingRequest().ToArray();
        _pingReply = PingReply().ToArray();
        _findNodeRequest = FindNodeRequest().ToArray();
        _findNodeReply = FindNodeReply().ToArray();
        _userRequest = UserRequest().ToArray();
        _errorReply = ErrorReply().ToArray();
    }

    [Benchmark]
    public int EncodePingRequest() => PingRequest().Encode(_buffer);

    [Benchmark]
    public int EncodePingReplyWithId() => PingReply().Encode(_buffer);

    [Benchmark]
    public int EncodeFindNodeRequest() => FindNodeRequest().Encode(_buffer);

    [Benchmark]
    public int EncodeFindNodeReply20Nodes() => FindNodeReply().Encode(_buffer);

    [Benchmark]
    public int EncodeUserRequestTokenTargetValue() => UserRequest().Encode(_buffer);

    [Benchmark]
    public int EncodeErrorReply() => ErrorReply().Encode(_buffer);

    [Benchmark]
    public ushort DecodePingRequest() => RequestMessage.TryDecode(_pingRequest, out var m) ? m.Tid : (ushort)0;

    [Benchmark]
    public ushort DecodePingReplyWithId() => ResponseMessage.TryDecode(_pingReply, out var m) ? m.Tid : (ushort)0;

    [Benchmark]
    public ushort DecodeFindNodeRequest() => RequestMessage.TryDecode(_findNodeRequest, out var m) ? m.Tid : (ushort)0;

    /// <summary>Decode plus reading all 20 closer-node addresses.</summary>
    [Benchmark]
    public uint DecodeFindNodeReply20Nodes()
    {
        if (!ResponseMessage.TryDecode(_findNodeReply, out var m))
        {
            return 0;
        }

        uint sum = 0;
        for (var i = 0; i < m.CloserNodeCount; i++)
        {
            sum += m.CloserNode(i).Address;
        }

        return sum;
    }

    [Benchmark]
    public ushort DecodeUserRequestTokenTargetValue() => RequestMessage.TryDecode(_userRequest, out var m) ? m.Tid : (ushort)0;

    [Benchmark]
    public ulong DecodeErrorReply() => ResponseMessage.TryDecode(_errorReply, out var m) ? m.Error : 0;

    private RequestMessage PingRequest() => new() { Tid = 1, To = To, Internal = true, Command = Commands.Ping };

    private ResponseMessage PingReply() => new() { Tid = 1, To = To, Id = _id };

    private RequestMessage FindNodeRequest() => new() { Tid = 2, To = To, Id = _id, Internal = true, Command = Commands.FindNode, Target = _target };

    private ResponseMessage FindNodeReply() => new() { Tid = 2, To = To, Id = _id, CloserNodesRaw = _closer };

    private RequestMessage UserRequest() => new() { Tid = 3, To = To, Id = _id, Token = _token, Command = 7, Target = _target, HasValue = true, Value = _value };

    private ResponseMessage ErrorReply() => new() { Tid = 3, To = To, Id = _id, CloserNodesRaw = _closer, Error = 1 };
}
