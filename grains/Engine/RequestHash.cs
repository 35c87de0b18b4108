using System.Buffers;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;

namespace Metering.Grains.Engine;

/// <summary>
/// Hash of a request's canonical form (its effective values after defaults, in a fixed order),
/// so a replay with the same meaning matches and any difference is a conflict.
/// </summary>
/// <remarks>
/// The hashes are stored with the journal, so the bytes hashed never change: each part as text
/// (invariant numbers, enum names, <c>True</c>/<c>False</c>, U+2400 for null) followed by the
/// unit separator U+001F, as UTF-8, through SHA-256. The parts are generic and written straight
/// into a stack buffer, because every reserve and commit hashes its request: the earlier form
/// (a <c>params object[]</c>, a <see cref="StringBuilder"/>, a string, its bytes) boxed and copied
/// each part several times.
/// </remarks>
internal static class RequestHash
{
    public static byte[] Of<T1>(T1 a)
    {
        var text = new Utf8Parts(stackalloc byte[Utf8Parts.StackBytes]);
        text.Add(a);
        return text.Hash();
    }

    public static byte[] Of<T1, T2>(T1 a, T2 b)
    {
        var text = new Utf8Parts(stackalloc byte[Utf8Parts.StackBytes]);
        text.Add(a);
        text.Add(b);
        return text.Hash();
    }

    public static byte[] Of<T1, T2, T3>(T1 a, T2 b, T3 c)
    {
        var text = new Utf8Parts(stackalloc byte[Utf8Parts.StackBytes]);
        text.Add(a);
        text.Add(b);
        text.Add(c);
        return text.Hash();
    }

    public static byte[] Of<T1, T2, T3, T4>(T1 a, T2 b, T3 c, T4 d)
    {
        var text = new Utf8Parts(stackalloc byte[Utf8Parts.StackBytes]);
        text.Add(a);
        text.Add(b);
        text.Add(c);
        text.Add(d);
        return text.Hash();
    }

    public static byte[] Of<T1, T2, T3, T4, T5, T6>(T1 a, T2 b, T3 c, T4 d, T5 e, T6 f)
    {
        var text = new Utf8Parts(stackalloc byte[Utf8Parts.StackBytes]);
        text.Add(a);
        text.Add(b);
        text.Add(c);
        text.Add(d);
        text.Add(e);
        text.Add(f);
        return text.Hash();
    }

    /// <summary>
    /// The parts' UTF-8 text, in a stack buffer that moves to a pooled array when a part is long
    /// (call details can be kilobytes). Each <c>typeof</c> test below is a constant once the
    /// method is compiled for a type, so a part is written without boxing.
    /// </summary>
    private ref struct Utf8Parts(Span<byte> initial)
    {
        public const int StackBytes = 512;

        private Span<byte> _buffer = initial;
        private byte[]? _rented;
        private int _length;

        public void Add<T>(T part)
        {
            if (part is null)
            {
                Write("\u2400"u8);
            }
            else if (typeof(T) == typeof(string))
            {
                WriteText(Unsafe.As<T, string>(ref part));
            }
            else if (typeof(T) == typeof(long))
            {
                WriteNumber(Unsafe.As<T, long>(ref part));
            }
            else if (typeof(T) == typeof(long?))
            {
                WriteNumber(Unsafe.As<T, long?>(ref part).GetValueOrDefault());
            }
            else if (typeof(T) == typeof(int))
            {
                WriteNumber(Unsafe.As<T, int>(ref part));
            }
            else if (typeof(T) == typeof(int?))
            {
                WriteNumber(Unsafe.As<T, int?>(ref part).GetValueOrDefault());
            }
            else if (typeof(T) == typeof(bool))
            {
                Write(Unsafe.As<T, bool>(ref part) ? "True"u8 : "False"u8);
            }
            else if (typeof(T).IsEnum || Nullable.GetUnderlyingType(typeof(T)) is { IsEnum: true })
            {
                // An enum's name (its number when undefined), as IFormattable with no format gives
                // it; the one boxing left, and enum names are cached strings.
                WriteText(((IFormattable)part).ToString(null, CultureInfo.InvariantCulture));
            }
            else
            {
                throw new NotSupportedException($"a request hash takes strings, integers, booleans and enums, not {typeof(T)}");
            }

            Write("\u001f"u8);
        }

        public byte[] Hash()
        {
            byte[] hash = SHA256.HashData(_buffer[.._length]);
            if (_rented is not null)
            {
                ArrayPool<byte>.Shared.Return(_rented);
            }

            return hash;
        }

        private void WriteNumber<TNumber>(TNumber number)
            where TNumber : IUtf8SpanFormattable
        {
            int written;
            while (!number.TryFormat(_buffer[_length..], out written, default, CultureInfo.InvariantCulture))
            {
                Grow(32);
            }

            _length += written;
        }

        private void WriteText(string text)
        {
            Grow(Encoding.UTF8.GetMaxByteCount(text.Length));
            _length += Encoding.UTF8.GetBytes(text, _buffer[_length..]);
        }

        private void Write(ReadOnlySpan<byte> bytes)
        {
            Grow(bytes.Length);
            bytes.CopyTo(_buffer[_length..]);
            _length += bytes.Length;
        }

        /// <summary>Makes room for <paramref name="more"/> bytes past what is written.</summary>
        private void Grow(int more)
        {
            if (_length + more <= _buffer.Length)
            {
                return;
            }

            byte[] larger = ArrayPool<byte>.Shared.Rent(Math.Max(_buffer.Length * 2, _length + more));
            _buffer[.._length].CopyTo(larger);
            if (_rented is not null)
            {
                ArrayPool<byte>.Shared.Return(_rented);
            }

            _rented = larger;
            _buffer = larger;
        }
    }
}
