# Runs CMD (a |-separated command) and fails unless README.md contains its
# output word for word: the README's tables are made from the code.
string(REPLACE "|" ";" cmd "${CMD}")
execute_process(COMMAND ${cmd} OUTPUT_VARIABLE out RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "command failed (${rc})")
endif()
file(READ "${README}" readme)
string(FIND "${readme}" "${out}" at)
if(at EQUAL -1)
  message(FATAL_ERROR "README.md does not contain the output of ${CMD}; paste it:\n${out}")
endif()
