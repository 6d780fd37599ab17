package dev.butler.protocol;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import org.zeromq.ZFrame;
import org.zeromq.ZMsg;

/**
 * Conversions between JeroMQ multipart messages and the frame lists the codecs work on, for tests
 * whose peers are raw JeroMQ sockets.
 */
public final class ZmqFrames {

	private ZmqFrames() {
	}

	/**
	 * Return the frames of a multipart message; a frame without data is an empty array. The message
	 * itself is left untouched and the frame data is not copied.
	 * @param zmsg the multipart message
	 * @return the frames
	 */
	public static List<byte[]> of(ZMsg zmsg) {
		Objects.requireNonNull(zmsg, "'zmsg' must not be null");
		List<byte[]> frames = new ArrayList<>(zmsg.size());
		for (ZFrame frame : zmsg) {
			byte[] data = frame.getData();
			frames.add((data != null) ? data : new byte[0]);
		}
		return frames;
	}

	/**
	 * Return a multipart message of the given frames, ready to send.
	 * @param frames the frames
	 * @return a new multipart message
	 */
	public static ZMsg toZMsg(List<byte[]> frames) {
		ZMsg zmsg = new ZMsg();
		frames.forEach(zmsg::add);
		return zmsg;
	}

}
