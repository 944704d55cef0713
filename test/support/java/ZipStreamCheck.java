import java.io.InputStream;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * Reads a zip from standard input with java.util.zip.ZipInputStream (a streaming reader: it never
 * sees the central directory) and prints one line per entry: name, bytes read, CRC-32 of the bytes
 * (hex). ZipInputStream itself refuses a stored entry with a data descriptor and checks each
 * entry's size and CRC-32. Run with `java ZipStreamCheck.java < bundle.zip` (Java 11+).
 */
public class ZipStreamCheck {
  public static void main(String[] args) throws Exception {
    InputStream in = System.in;
    try (ZipInputStream zip = new ZipInputStream(in, java.nio.charset.StandardCharsets.UTF_8)) {
      byte[] buf = new byte[1 << 16];
      ZipEntry e;
      while ((e = zip.getNextEntry()) != null) {
        CRC32 crc = new CRC32();
        long size = 0;
        int n;
        while ((n = zip.read(buf)) > 0) {
          crc.update(buf, 0, n);
          size += n;
        }
        System.out.println(e.getName().replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r") + "\t" + size + "\t" + String.format("%08x", crc.getValue()));
      }
    }
  }
}
