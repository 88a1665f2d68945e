package io.caravan.processors.extensions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;

import io.caravan.processors.support.InvalidInputException;
import org.junit.jupiter.api.Test;

/** How a route's ffmpeg arguments become ffmpeg's argument list. */
class FfmpegStepsTest {

    @Test
    void should_split_at_spaces_and_put_input_and_output_in_whole() {
        assertEquals(List.of("-ss", "1.000", "-i", "http://127.0.0.1:8080/files/1-abc.mp4", "-frames:v", "1", "-vf",
                        "scale='min(640,iw)':-2", "/tmp/out dir/ffmpeg-1.jpg"),
                FfmpegSteps.arguments("-ss 1.000  -i {input} -frames:v 1 -vf scale='min(640,iw)':-2 {output}",
                        "http://127.0.0.1:8080/files/1-abc.mp4", "/tmp/out dir/ffmpeg-1.jpg"));
    }

    @Test
    void should_refuse_arguments_without_an_output() {
        assertThrows(InvalidInputException.class, () -> FfmpegSteps.arguments("-i {input} -f null -", "in", "/tmp/o.jpg"));
    }
}
