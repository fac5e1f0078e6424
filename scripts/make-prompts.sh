#!/usr/bin/env bash
# Synthesizes the announcements the bridge plays (issue 4) with Debian's espeak-ng and writes
# them as 8 kHz mono 16-bit WAV into media-bridge/prompts/. Run once when a text changes; the
# WAV files are committed, so neither builds nor tests need espeak-ng.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v espeak-ng >/dev/null && command -v sox >/dev/null || {
  echo "needs espeak-ng and sox: apt-get install -y espeak-ng sox" >&2
  exit 1
}
out=media-bridge/prompts
mkdir -p "$out"

say() { # name lang voice text
  local name=$1 lang=$2 voice=$3 text=$4 tmp
  tmp=$(mktemp --suffix=.wav)
  espeak-ng -v "$voice" -s 150 -w "$tmp" "$text"
  sox "$tmp" -r 8000 -c 1 -b 16 -e signed-integer "$out/$name.$lang.wav" norm -3
  rm -f "$tmp"
}

say accept en en-us "You have a call from your callcard. Press 1 to accept, or 2 to decline."
say accept ko ko "콜카드로 전화가 왔습니다. 받으시려면 1번, 거절하시려면 2번을 누르세요."
say accept ja ja "こーるかーどから でんわです。うけるには いちを、ことわるには にを おしてください。"
say accept zh cmn "您有一个来自名片的来电。接听请按1，拒绝请按2。"

say no_answer en en-us "The issuer did not answer. Please try again later."
say no_answer ko ko "상대방이 응답하지 않습니다. 잠시 후 다시 걸어 주세요."
say no_answer ja ja "あいてが おうとう しませんでした。しばらくしてから おかけなおし ください。"
say no_answer zh cmn "对方没有接听，请稍后再拨。"

say warning en en-us "Your call time is almost over."
say warning ko ko "통화 시간이 곧 끝납니다."
say warning ja ja "つうわじかんが まもなく おわります。"
say warning zh cmn "通话时间即将结束。"

say enter_code en en-us "This is callcard, confirming this number for your card. Please enter the code shown on your screen."
say enter_code ko ko "콜카드에서 명함에 등록할 번호를 확인합니다. 화면에 보이는 번호를 입력해 주세요."
say enter_code ja ja "こーるかーどです。めいしに とうろくする ばんごうを かくにんします。がめんに ひょうじされた こーどを にゅうりょく してください。"
say enter_code zh cmn "这里是名片通话，正在确认您名片上的号码。请输入屏幕上显示的验证码。"

say code_confirmed en en-us "Thank you. This number is confirmed."
say code_confirmed ko ko "감사합니다. 번호가 확인되었습니다."
say code_confirmed ja ja "ありがとうございます。ばんごうが かくにん されました。"
say code_confirmed zh cmn "谢谢，号码已确认。"

say code_wrong en en-us "That code is not right. Please start again from your screen. Goodbye."
say code_wrong ko ko "번호가 맞지 않습니다. 화면에서 다시 시작해 주세요."
say code_wrong ja ja "こーどが ちがいます。がめんから やりなおして ください。"
say code_wrong zh cmn "验证码不正确，请在屏幕上重新开始。再见。"

# A callback (issue 10): the request, the caller's number digit by digit, then the choice.
say callback_request en en-us "A call request on your callcard, from"
say callback_request ko ko "콜카드로 통화 요청이 왔습니다. 요청하신 번호는"
say callback_request ja ja "こーるかーどに つうわの いらいが ありました。ばんごうは"
say callback_request zh cmn "您的名片收到一个通话请求，来电号码是"

say callback_choice en en-us "Press 1 to accept and be connected, or 2 to decline."
say callback_choice ko ko "연결하시려면 1번, 거절하시려면 2번을 누르세요."
say callback_choice ja ja "つなぐには いちを、ことわるには にを おしてください。"
say callback_choice zh cmn "接通请按1，拒绝请按2。"

# To the issuer who accepted a callback whose caller could not be reached.
say caller_busy en en-us "The number that asked to be called back is busy."
say caller_busy ko ko "요청하신 번호가 통화 중입니다."
say caller_busy ja ja "いらいした ばんごうは はなしちゅう です。"
say caller_busy zh cmn "回电号码占线。"

say caller_unreachable en en-us "The number that asked to be called back could not be reached."
say caller_unreachable ko ko "요청하신 번호로 연결되지 않았습니다."
say caller_unreachable ja ja "いらいした ばんごうに つながりませんでした。"
say caller_unreachable zh cmn "回电号码无法接通。"

# Phone-number digits as people read them out (Korean 0 is 공).
digits_en=(zero one two three four five six seven eight nine)
digits_ko=(공 일 이 삼 사 오 육 칠 팔 구)
digits_ja=(ぜろ いち に さん よん ご ろく なな はち きゅう)
digits_zh=(零 一 二 三 四 五 六 七 八 九)
for d in 0 1 2 3 4 5 6 7 8 9; do
  say "digit_$d" en en-us "${digits_en[$d]}"
  say "digit_$d" ko ko "${digits_ko[$d]}"
  say "digit_$d" ja ja "${digits_ja[$d]}"
  say "digit_$d" zh cmn "${digits_zh[$d]}"
done

ls -l "$out"
