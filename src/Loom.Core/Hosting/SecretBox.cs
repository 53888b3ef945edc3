using System.Security.Cryptography;
using System.Text;

namespace Loom.Core.Hosting;

/// <summary>
/// Encrypts secrets kept in the database (endpoint keys, later workspace secrets) with AES-GCM under a 32-byte master key
/// that lives outside it, in <c>DATA/master.key</c> (mode 0600), created on the first start. A sealed value is
/// <c>v1.</c> then base64 of nonce, ciphertext and tag; the associated data binds it to what it is for, so a value copied
/// onto another row does not open.
/// </summary>
public sealed class SecretBox
{
    public const string KeyFile = "master.key";
    private const string Version = "v1.";
    private const int KeySize = 32;
    private const int NonceSize = 12;
    private const int TagSize = 16;
    private readonly byte[] _key;

    public SecretBox(byte[] key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (key.Length != KeySize) throw new ArgumentException($"The master key must be {KeySize} bytes, not {key.Length}.", nameof(key));
        _key = key;
    }

    /// <summary>Opens the master key of a data folder, creating it (mode 0600) when the folder has none.</summary>
    public static SecretBox ForDataFolder(string dataDirectory)
    {
        var path = Path.Combine(dataDirectory, KeyFile);
        if (!File.Exists(path))
        {
            Directory.CreateDirectory(dataDirectory);
            var temp = path + ".tmp";
            var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            using (var file = new FileStream(temp, options))
            {
                file.Write(RandomNumberGenerator.GetBytes(KeySize));
                file.Flush(flushToDisk: true);
            }
            // Never overwrite a key another process wrote meanwhile: what it sealed would no longer open.
            try { File.Move(temp, path, overwrite: false); }
            catch (IOException) when (File.Exists(path)) { File.Delete(temp); }
        }
        var key = File.ReadAllBytes(path);
        if (key.Length != KeySize)
            throw new InvalidDataException($"{path} holds {key.Length} bytes, not a {KeySize}-byte master key; restore it from a backup.");
        return new SecretBox(key);
    }

    /// <summary>Encrypts <paramref name="plaintext"/> for <paramref name="purpose"/> (e.g. <c>endpoint-key:12:iris:primary</c>).</summary>
    public string Seal(string plaintext, string purpose)
    {
        var data = Encoding.UTF8.GetBytes(plaintext);
        var sealedBytes = new byte[NonceSize + data.Length + TagSize];
        var nonce = sealedBytes.AsSpan(0, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(_key, TagSize);
        aes.Encrypt(nonce, data, sealedBytes.AsSpan(NonceSize, data.Length), sealedBytes.AsSpan(NonceSize + data.Length), Encoding.UTF8.GetBytes(purpose));
        return Version + Convert.ToBase64String(sealedBytes);
    }

    /// <summary>Decrypts what <see cref="Seal"/> gave for the same purpose; throws when it was changed or sealed under another key.</summary>
    public string Unseal(string sealedText, string purpose)
    {
        ArgumentNullException.ThrowIfNull(sealedText);
        if (!sealedText.StartsWith(Version, StringComparison.Ordinal))
            throw new CryptographicException("The sealed value has an unknown format.");
        var sealedBytes = Convert.FromBase64String(sealedText[Version.Length..]);
        if (sealedBytes.Length < NonceSize + TagSize) throw new CryptographicException("The sealed value is truncated.");
        var length = sealedBytes.Length - NonceSize - TagSize;
        var data = new byte[length];
        using var aes = new AesGcm(_key, TagSize);
        aes.Decrypt(sealedBytes.AsSpan(0, NonceSize), sealedBytes.AsSpan(NonceSize, length), sealedBytes.AsSpan(NonceSize + length), data,
            Encoding.UTF8.GetBytes(purpose));
        return Encoding.UTF8.GetString(data);
    }
}
